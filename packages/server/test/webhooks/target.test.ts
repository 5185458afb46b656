import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { ProoflineError } from '../../src/errors.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import { checkWebhookTarget, isPublicAddress, WebhookDispatcher } from '../../src/webhooks/index.js';
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
    expect(error).toMatchObject({ code: 'bad_request', status: 400, details: [{ path: 'webhook_url' }] });
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
    for (const address of ['127.0.0.1', '::1', '::ffff:10.0.0.1', '100.64.1.1', 'fe80::1', 'nonsense']) {
      expect(isPublicAddress(address), address).toBe(false);
    }
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
    ).rejects.toMatchObject({ code: 'bad_request' });
    await expect(
      dispatcher.enqueue('pk_test_demo', 'https://hooks.example.com/p', [], {
        type: 'case.created',
        data: {},
      }),
    ).rejects.toMatchObject({ code: 'bad_request' });
    expect(await store.queueSize('webhooks')).toBe(0);
  });
});
