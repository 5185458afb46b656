import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { ProoflineError } from '../../src/errors.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import {
  checkWebhookTarget,
  checkWebhookUrl,
  isPublicAddress,
  WebhookDispatcher,
} from '../../src/webhooks/index.js';
import { publicOnlyLookup } from '../../src/webhooks/target.js';

const refused = [
  'http://hooks.example.com/proofline',
  'https://127.0.0.1/hook',
  'https://localhost:8443/hook',
  'https://api.localhost/hook',
  'https://[::1]/hook',
  'https://[::ffff:127.0.0.1]/hook',
  'https://10.1.2.3/hook',
  'https://172.20.0.1/hook',
  'https://192.168.1.1/hook',
  'https://169.254.169.254/latest/meta-data',
  'https://0.0.0.0/hook',
  'https://[fd00::1]/hook',
  'https://[fd00:ec2::254]/latest/meta-data',
  'https://100.100.100.200/latest/meta-data',
  'https://[64:ff9b::a9fe:a9fe]/hook',
  'https://[64:ff9b::808:808]/hook',
  'https://[2002:a9fe:a9fe::1]/hook',
  'https://[fec0::1]/hook',
  'https://[::a00:1]/hook',
  'https://[::127.0.0.1]/hook',
  'ftp://hooks.example.com/',
  'not a url',
];

describe('webhook targets', () => {
  it.each(refused)('refuses %s unless insecure targets are allowed', (url) => {
    let error: unknown;
    try {
      checkWebhookTarget(url, { allowInsecure: false });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProoflineError);
    expect(error).toMatchObject({
      code: 'invalid_webhook_url',
      status: 400,
      details: [{ path: 'webhook_url' }],
    });
  });

  it('accepts public https targets, and http/loopback only when allowed', () => {
    expect(checkWebhookTarget('https://hooks.example.com/p?x=1', { allowInsecure: false }).host).toBe(
      'hooks.example.com',
    );
    expect(checkWebhookTarget('https://93.184.215.14/hook', { allowInsecure: false })).toBeInstanceOf(URL);
    expect(checkWebhookTarget('http://127.0.0.1:9999/hook', { allowInsecure: true })).toBeInstanceOf(URL);
    expect(() => checkWebhookTarget('ftp://x/', { allowInsecure: true })).toThrow(ProoflineError);
  });

  it('judges addresses, IPv4-mapped IPv6 included', () => {
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('2606:4700::1111')).toBe(true);
    for (const address of [
      '127.0.0.1',
      '::1',
      '::ffff:10.0.0.1',
      '100.64.1.1',
      'fe80::1',
      '64:ff9b::808:808',
      '2002:808:808::1',
      'fec0::1',
      '::808:808',
      '2001:db8::1',
      'nonsense',
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });

  it('checks a saved URL after DNS resolution: every address must be public', async () => {
    const resolver = (table: Record<string, string[]>) => async (host: string) => {
      const found = table[host];
      if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return found;
    };
    const resolveHost = resolver({
      'hooks.shop.example': ['93.184.215.14', '2606:4700::1111'],
      'rebind.example': ['93.184.215.14', '10.0.0.7'],
      'nat64.example': ['64:ff9b::a9fe:a9fe'],
      'six-to-four.example': ['2002:7f00:1::'],
    });
    const check = (url: string) => checkWebhookUrl(url, { allowInsecure: false, resolveHost });
    await expect(check('https://hooks.shop.example/p')).resolves.toBeInstanceOf(URL);
    await expect(check('https://rebind.example/p')).rejects.toMatchObject({
      code: 'invalid_webhook_url',
      message: 'rebind.example resolves to 10.0.0.7, which is not a public address.',
    });
    await expect(check('https://nat64.example/p')).rejects.toMatchObject({ code: 'invalid_webhook_url' });
    await expect(check('https://six-to-four.example/p')).rejects.toMatchObject({
      code: 'invalid_webhook_url',
    });
    await expect(check('https://nowhere.example/p')).rejects.toMatchObject({
      code: 'invalid_webhook_url',
      message: 'nowhere.example does not resolve.',
    });
    // Development (ALLOW_INSECURE_WEBHOOKS) keeps http:// and local receivers working.
    await expect(
      checkWebhookUrl('http://127.0.0.1:9999/hook', { allowInsecure: true, resolveHost }),
    ).resolves.toBeInstanceOf(URL);
  });

  it('refuses a name that resolves to an internal address at connection time', async () => {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      publicOnlyLookup('localhost', {}, (failure) => resolve(failure)),
    );
    expect(error?.code).toBe('EWEBHOOKTARGET');
  });

  it('makes the dispatcher refuse to queue for a refused target', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore(clock);
    const dispatcher = new WebhookDispatcher({ store, clock, allowInsecure: false });
    await expect(
      dispatcher.enqueue(
        'pk_test_demo',
        'http://127.0.0.1:1/hook',
        ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
        {
          type: 'case.created',
          data: {},
        },
      ),
    ).rejects.toMatchObject({ code: 'invalid_webhook_url' });
    await expect(
      dispatcher.enqueue('pk_test_demo', 'https://hooks.example.com/p', [], {
        type: 'case.created',
        data: {},
      }),
    ).rejects.toMatchObject({ code: 'bad_request' });
    expect(await store.queueSize('webhooks')).toBe(0);
  });
});
