import { RotateWebhookSecretInput, Settings, SettingsPatch } from '@proofline/shared';
import type { AppDeps } from '../../deps.js';
import { checkTestNumbers } from '../../tenants/index.js';
import { defineRoute, routePlugin } from './route.js';

export type SettingsRouteDeps = Pick<AppDeps, 'config' | 'clock' | 'tenants' | 'settings' | 'webhooks'>;

/** `GET|PUT /v1/settings/phone-verification` and the webhook secret rotation. */
export const settingsRoutes = routePlugin<SettingsRouteDeps>([
  defineRoute({
    method: 'GET',
    path: '/v1/settings/phone-verification',
    auth: 'secret',
    response: Settings,
    doc: { tag: 'Settings', summary: "Read the site's settings" },
    handler: async ({ site }, { settings }) => settings.get(site),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/settings/phone-verification',
    auth: 'secret',
    body: SettingsPatch,
    response: Settings,
    doc: {
      tag: 'Settings',
      summary: 'Change some settings',
      description:
        'Merges the keys given and answers the full settings; unknown keys are refused. Setting ' +
        '`webhook_url` creates the signing secret `webhook_secret`; the URL must be https to a name ' +
        'whose every address is public (else 400 `invalid_webhook_url`), and saving it again turns a ' +
        '`webhook_status` of `disabled` (after a 410 Gone) back to `active`.',
      example: { otp_expiry_minutes: 5, channels: ['sms', 'voice'], block_voip: true },
    },
    handler: async ({ site, body }, { config, settings, webhooks }) => {
      if (body.webhook_url) await webhooks.checkUrl(body.webhook_url);
      const production = config.NODE_ENV === 'production';
      return settings.update(site, checkTestNumbers(body, await settings.get(site), production));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/settings/webhook-secret/rotate',
    auth: 'secret',
    body: RotateWebhookSecretInput,
    response: Settings,
    doc: {
      tag: 'Settings',
      summary: 'Make a new webhook signing secret',
      description: 'The previous secret keeps signing beside the new one for 24 hours.',
    },
    handler: async ({ site }, { clock, settings }) => settings.rotateWebhookSecret(site, clock.now()),
  }),
]);
