/**
 * Providers whose numbers are VoIP or app-based (virtual numbers from CPaaS platforms and calling
 * apps), whatever range they sit in. `match` holds name fragments, matched as whole words without
 * regard to case; `prefixData` lists exactly how the offline prefix data spells the provider, so a
 * test keeps the two in step (empty where the provider has no range of its own there).
 */
export const voipCarriers: readonly {
  provider: string;
  match: readonly string[];
  prefixData: readonly string[];
}[] = [
  { provider: 'Google Voice', match: ['google voice'], prefixData: [] },
  { provider: 'Skype', match: ['skype'], prefixData: [] },
  { provider: 'TextNow', match: ['textnow'], prefixData: [] },
  { provider: 'Burner', match: ['burner', 'ad hoc labs'], prefixData: [] },
  { provider: 'Hushed', match: ['hushed', 'affinitymobile'], prefixData: [] },
  { provider: 'Twilio', match: ['twilio'], prefixData: ['Twilio Ireland Limited'] },
  { provider: 'Bandwidth', match: ['bandwidth'], prefixData: [] },
  { provider: 'Onvoy (Inteliquent)', match: ['onvoy', 'inteliquent'], prefixData: ['Onvoy'] },
  { provider: 'Voxbone', match: ['voxbone'], prefixData: ['Voxbone', 'Voxbone SA', 'VOXBONE SA', 'voxbone'] },
  { provider: 'Vonage', match: ['vonage', 'nexmo'], prefixData: [] },
  { provider: 'Plivo', match: ['plivo'], prefixData: [] },
  { provider: 'Telnyx', match: ['telnyx'], prefixData: [] },
  { provider: 'Sinch', match: ['sinch', 'clx networks'], prefixData: ['CLX Networks AB', 'clx networks ab'] },
  {
    provider: 'MessageBird',
    match: ['messagebird'],
    prefixData: ['MessageBird', 'MessageBird BV', 'Messagebird B.V.', 'MESSAGEBIRD B.V.'],
  },
  { provider: 'Tismi', match: ['tismi'], prefixData: ['Tismi', 'Tismi BV', 'TISMI BV', 'tismi bv'] },
  { provider: 'Pinger (Textfree)', match: ['pinger', 'textfree'], prefixData: [] },
  { provider: 'textPlus', match: ['textplus'], prefixData: [] },
  { provider: 'Talkatone', match: ['talkatone'], prefixData: [] },
  { provider: 'magicJack', match: ['magicjack'], prefixData: [] },
  { provider: 'Line2', match: ['line2'], prefixData: [] },
  { provider: 'RingCentral', match: ['ringcentral'], prefixData: [] },
  { provider: 'Peerless Network', match: ['peerless network'], prefixData: [] },
  { provider: 'Simwood', match: ['simwood'], prefixData: ['Simwood'] },
  { provider: 'Magrathea', match: ['magrathea'], prefixData: ['Magrathea'] },
  { provider: 'Esendex', match: ['esendex'], prefixData: ['Esendex'] },
];

const words = (text: string) =>
  ` ${text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()} `;

const fragments = voipCarriers.flatMap(({ provider, match }) =>
  match.map((fragment) => ({ provider, fragment: words(fragment) })),
);

/** The VoIP provider a carrier name belongs to, or null. */
export function voipProviderOf(carrierName: string | null | undefined): string | null {
  if (!carrierName) return null;
  const name = words(carrierName);
  return fragments.find(({ fragment }) => name.includes(fragment))?.provider ?? null;
}
