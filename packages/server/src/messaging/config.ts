import { z } from 'zod';

const phoneProvider = z.enum(['twilio', 'vonage', 'dev', 'off']);
const emailProvider = z.enum(['smtp', 'dev', 'off']);
const optionalText = z.string().min(1).optional();

const TwilioSettings = z.strictObject({
  accountSid: z.string().min(1),
  authToken: z.string().min(1),
  from: optionalText,
  messagingServiceSid: optionalText,
  whatsappFrom: optionalText,
  baseUrl: z.url().optional(),
});

const VonageSettings = z.strictObject({
  apiKey: optionalText,
  apiSecret: optionalText,
  applicationId: optionalText,
  privateKey: optionalText,
  from: optionalText,
  whatsappFrom: optionalText,
  baseUrl: z.url().optional(),
});

const SmtpSettings = z.strictObject({
  url: z.string().regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL'),
  from: z.string().min(3),
});

/**
 * Which provider delivers each channel, and the providers' settings. `dev` keeps messages in the
 * dev inbox; `off` takes the channel out of the offered ones.
 */
export const MessagingConfig = z
  .strictObject({
    sms: phoneProvider.default('dev'),
    voice: phoneProvider.default('dev'),
    whatsapp: phoneProvider.default('dev'),
    email: emailProvider.default('dev'),
    /** Deadline of one provider call. */
    timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
    devInboxCapacity: z.number().int().min(1).max(100_000).default(500),
    twilio: TwilioSettings.optional(),
    vonage: VonageSettings.optional(),
    smtp: SmtpSettings.optional(),
  })
  .superRefine((config, context) => {
    const missing = (path: string[], message: string) => context.addIssue({ code: 'custom', path, message });
    for (const channel of ['sms', 'voice', 'whatsapp'] as const) {
      const provider = config[channel];
      if (provider === 'twilio') {
        if (!config.twilio) {
          missing(['twilio'], `Twilio settings are needed for ${channel}`);
          continue;
        }
        if (channel === 'whatsapp' && !config.twilio.whatsappFrom) {
          missing(['twilio', 'whatsappFrom'], 'a Twilio WhatsApp sender is needed for whatsapp');
        }
        if (channel === 'voice' && !config.twilio.from)
          missing(['twilio', 'from'], 'a Twilio number is needed for voice');
        if (channel === 'sms' && !config.twilio.from && !config.twilio.messagingServiceSid) {
          missing(['twilio', 'from'], 'a Twilio number or messaging service is needed for sms');
        }
      }
      if (provider === 'vonage') {
        const vonage = config.vonage;
        if (!vonage) {
          missing(['vonage'], `Vonage settings are needed for ${channel}`);
          continue;
        }
        const hasApplication = Boolean(vonage.applicationId && vonage.privateKey);
        if (channel === 'voice' && !hasApplication) {
          missing(
            ['vonage', 'applicationId'],
            'a Vonage application id and private key are needed for voice',
          );
        }
        if (channel !== 'voice' && !hasApplication && !(vonage.apiKey && vonage.apiSecret)) {
          missing(
            ['vonage', 'apiKey'],
            `a Vonage API key and secret (or an application) are needed for ${channel}`,
          );
        }
        if (channel === 'whatsapp' && !vonage.whatsappFrom) {
          missing(['vonage', 'whatsappFrom'], 'a Vonage WhatsApp sender is needed for whatsapp');
        }
        if (channel !== 'whatsapp' && !vonage.from)
          missing(['vonage', 'from'], `a Vonage sender is needed for ${channel}`);
      }
    }
    if (config.email === 'smtp' && !config.smtp) missing(['smtp'], 'SMTP settings are needed for email');
  });

export type MessagingConfig = z.infer<typeof MessagingConfig>;
export type MessagingConfigInput = z.input<typeof MessagingConfig>;

/** The environment variable that sets each config path, so a wrong value is named as the user wrote it. */
const envNames: Record<string, string> = {
  sms: 'MESSAGING_SMS',
  voice: 'MESSAGING_VOICE',
  whatsapp: 'MESSAGING_WHATSAPP',
  email: 'MESSAGING_EMAIL',
  timeoutMs: 'MESSAGING_TIMEOUT_MS',
  devInboxCapacity: 'DEV_INBOX_CAPACITY',
  twilio: 'TWILIO_ACCOUNT_SID',
  'twilio.accountSid': 'TWILIO_ACCOUNT_SID',
  'twilio.authToken': 'TWILIO_AUTH_TOKEN',
  'twilio.from': 'TWILIO_FROM',
  'twilio.messagingServiceSid': 'TWILIO_MESSAGING_SERVICE_SID',
  'twilio.whatsappFrom': 'TWILIO_WHATSAPP_FROM',
  'twilio.baseUrl': 'TWILIO_BASE_URL',
  vonage: 'VONAGE_API_KEY',
  'vonage.apiKey': 'VONAGE_API_KEY',
  'vonage.apiSecret': 'VONAGE_API_SECRET',
  'vonage.applicationId': 'VONAGE_APPLICATION_ID',
  'vonage.privateKey': 'VONAGE_PRIVATE_KEY',
  'vonage.from': 'VONAGE_FROM',
  'vonage.whatsappFrom': 'VONAGE_WHATSAPP_FROM',
  'vonage.baseUrl': 'VONAGE_BASE_URL',
  smtp: 'SMTP_URL',
  'smtp.url': 'SMTP_URL',
  'smtp.from': 'SMTP_FROM',
};

/** Every environment variable the messaging configuration reads (the self-hosting docs list them). */
export const messagingVariables: readonly string[] = [...new Set(Object.values(envNames))];

export class MessagingConfigError extends Error {
  constructor(
    message: string,
    readonly variable: string,
  ) {
    super(message);
    this.name = 'MessagingConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads the messaging configuration from environment variables (names in `envNames`). A channel
 * left unset goes to the first provider configured for it (Twilio, then Vonage; SMTP for email),
 * else to the dev inbox. Throws a MessagingConfigError naming the variable to fix.
 */
export function messagingConfigFromEnv(env: Env): MessagingConfig {
  const text = (name: string) => (env[name]?.trim() ? env[name].trim() : undefined);
  const defined = <T extends Record<string, unknown>>(object: T) =>
    Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
  const twilio = text('TWILIO_ACCOUNT_SID')
    ? defined({
        accountSid: text('TWILIO_ACCOUNT_SID'),
        authToken: text('TWILIO_AUTH_TOKEN') ?? '',
        from: text('TWILIO_FROM'),
        messagingServiceSid: text('TWILIO_MESSAGING_SERVICE_SID'),
        whatsappFrom: text('TWILIO_WHATSAPP_FROM'),
        baseUrl: text('TWILIO_BASE_URL'),
      })
    : undefined;
  const vonageKeys = ['VONAGE_API_KEY', 'VONAGE_APPLICATION_ID'].some((name) => text(name));
  const vonage = vonageKeys
    ? defined({
        apiKey: text('VONAGE_API_KEY'),
        apiSecret: text('VONAGE_API_SECRET'),
        applicationId: text('VONAGE_APPLICATION_ID'),
        // A PEM in one environment line usually comes with `\n` written out.
        privateKey: text('VONAGE_PRIVATE_KEY')?.replaceAll('\\n', '\n'),
        from: text('VONAGE_FROM'),
        whatsappFrom: text('VONAGE_WHATSAPP_FROM'),
        baseUrl: text('VONAGE_BASE_URL'),
      })
    : undefined;
  const smtp = text('SMTP_URL') ? { url: text('SMTP_URL'), from: text('SMTP_FROM') ?? '' } : undefined;
  // In production a channel with no provider is off: a code "sent" to the in-memory inbox reaches nobody.
  const unconfigured = env.NODE_ENV === 'production' || text('MESSAGING') === 'none' ? 'off' : 'dev';
  const phoneDefault = (channel: 'sms' | 'voice' | 'whatsapp') => {
    if (
      twilio &&
      (channel === 'whatsapp'
        ? twilio.whatsappFrom
        : (twilio.from ?? (channel === 'sms' && twilio.messagingServiceSid)))
    ) {
      return 'twilio';
    }
    if (vonage && (channel === 'whatsapp' ? vonage.whatsappFrom : vonage.from)) {
      if (channel !== 'voice' || (vonage.applicationId && vonage.privateKey)) return 'vonage';
    }
    return unconfigured;
  };
  const number = (name: string) => (text(name) === undefined ? undefined : Number(text(name)));
  const input = defined({
    sms: text('MESSAGING_SMS') ?? phoneDefault('sms'),
    voice: text('MESSAGING_VOICE') ?? phoneDefault('voice'),
    whatsapp: text('MESSAGING_WHATSAPP') ?? phoneDefault('whatsapp'),
    email: text('MESSAGING_EMAIL') ?? (smtp ? 'smtp' : unconfigured),
    timeoutMs: number('MESSAGING_TIMEOUT_MS'),
    devInboxCapacity: number('DEV_INBOX_CAPACITY'),
    twilio,
    vonage,
    smtp,
  });
  const result = MessagingConfig.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String).join('.');
  const variable = envNames[path] ?? envNames[String(issue.path[0])] ?? path;
  throw new MessagingConfigError(`${variable}: ${issue.message}`, variable);
}
