import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineInfoError, type LineInfoSource } from '../../src/line-info/index.js';

/** Three UK's mobile range +447400…: the prefix tables name Three, whose network is 23420. */
export const threeMobile = '+447400123456';
export const threeNetwork = '23420';
const ukLandline = '+441212345678';

/** One line-information source under test, with what its provider lets a test script. */
export type SourceUnderTest = {
  source: LineInfoSource;
  /** Makes the provider know {@link threeMobile} as a Three UK mobile (offline data knows it already). */
  knowThreeMobile(): Promise<void>;
  /** HTTP sources: the provider failing, hanging (the source's timeout is short), or refusing the credentials. */
  trouble?: {
    set(kind: 'down' | 'hang' | null): Promise<void>;
    withBadCredentials(): LineInfoSource;
  };
  close(): Promise<void>;
};

async function lineInfoError(promise: Promise<unknown>): Promise<LineInfoError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(LineInfoError);
  return error as LineInfoError;
}

/** The contract every line-information source keeps: ONE suite, run on each adapter. */
export function lineInfoContract(name: string, start: () => Promise<SourceUnderTest>): void {
  describe(`line-information source: ${name}`, () => {
    let subject: SourceUnderTest;
    beforeAll(async () => {
      subject = await start();
    });
    afterAll(() => subject.close());

    it('names the network (MCC+MNC), the carrier and a mobile line type of a known mobile', async () => {
      await subject.knowThreeMobile();
      const facts = await subject.source.lookup(threeMobile);
      expect(facts).not.toBeNull();
      expect(facts!.network).toBe(threeNetwork);
      expect(facts!.carrierName).toEqual(expect.any(String));
      expect(facts!.lineType?.toLowerCase()).toBe('mobile');
      expect(subject.source.name).toBe(name);
    });

    it('names no network for a line it does not know as a mobile', async () => {
      const facts = await subject.source.lookup(ukLandline);
      expect(facts?.network ?? null).toBeNull();
    });

    it('answers only facts of its shape: booleans, strings or null', async () => {
      const facts = await subject.source.lookup(threeMobile);
      for (const key of ['prepaid', 'ported', 'reachable', 'roaming'] as const) {
        expect([true, false, null]).toContain(facts![key]);
      }
      expect([null, 'active', 'inactive', 'suspended']).toContain(facts!.lineStatus);
    });

    it('throws a typed error when the provider is down, slow or refuses the credentials', async (context) => {
      const trouble = subject.trouble;
      if (!trouble) return context.skip('no provider: offline data cannot fail');
      try {
        await trouble.set('down');
        expect((await lineInfoError(subject.source.lookup(threeMobile))).code).toBe('unavailable');
        await trouble.set('hang');
        expect((await lineInfoError(subject.source.lookup(threeMobile))).code).toBe('timeout');
      } finally {
        await trouble.set(null);
      }
      expect((await lineInfoError(trouble.withBadCredentials().lookup(threeMobile))).code).toBe('refused');
      expect((await subject.source.lookup(threeMobile))?.network).toBe(threeNetwork);
    });
  });
}
