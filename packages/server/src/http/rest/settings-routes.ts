import { RotateWebhookSecretInput, SettingsPatch } from '@proofline/shared';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../deps.js';
import { checkTestNumbers } from '../../tenants/index.js';
import { requireSecret } from './auth.js';
import { parseInput } from './parse.js';

/** `GET|PUT /v1/settings/phone-verification` and the webhook secret rotation. */
export function registerSettingsRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/v1/settings/phone-verification', async (request) => {
    const site = requireSecret(request, deps.tenants);
    return deps.settings.get(site);
  });

  app.put('/v1/settings/phone-verification', async (request) => {
    const site = requireSecret(request, deps.tenants);
    const patch = parseInput(SettingsPatch, request.body);
    if (patch.webhook_url) await deps.webhooks.checkUrl(patch.webhook_url);
    const production = deps.config.NODE_ENV === 'production';
    return deps.settings.update(site, checkTestNumbers(patch, await deps.settings.get(site), production));
  });

  app.post('/v1/settings/webhook-secret/rotate', async (request) => {
    const site = requireSecret(request, deps.tenants);
    parseInput(RotateWebhookSecretInput, request.body);
    return deps.settings.rotateWebhookSecret(site, deps.clock.now());
  });
}
