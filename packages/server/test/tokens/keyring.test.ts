import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { parseSigningKeys, SigningKeyError, TokenIssuer } from '../../src/tokens/index.js';
import { approvedClaims } from './claims.js';

const issuer = 'https://proofline.test';

async function privateJwk(alg: 'ES256' | 'EdDSA', kid?: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), ...(kid ? { kid } : {}) };
}

describe('TokenIssuer', () => {
  it('issues a token a site backend verifies offline against the JWKS served as JSON', async () => {
    const clock = new ManualClock(Date.now());
    const tokens = await TokenIssuer.create({ issuer, clock });
    const token = await tokens.issue(approvedClaims);

    // What a site backend does: take the JWKS document as served, verify with a stock JOSE library.
    const served = JSON.parse(JSON.stringify(tokens.publicJwks()));
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(served), {
      issuer,
      audience: 'pk_test_demo',
      algorithms: ['ES256'],
    });
    expect(protectedHeader).toMatchObject({
      alg: 'ES256',
      kid: tokens.currentKid,
      typ: 'proofline-result+jwt',
    });
    expect(payload).toMatchObject({ ...approvedClaims, iss: issuer });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.iat).toBe(Math.floor(clock.now() / 1000));
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves public keys only', async () => {
    const tokens = await TokenIssuer.create({ issuer, clock: new ManualClock() });
    const [key] = tokens.publicJwks().keys;
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: tokens.currentKid });
    expect(key).not.toHaveProperty('d');
  });

  it('verifies through a real HTTP JWKS endpoint with createRemoteJWKSet', async () => {
    const clock = new ManualClock(Date.now());
    const tokens = await TokenIssuer.create({
      issuer,
      clock,
      signingKeys: [await privateJwk('EdDSA', 'ed-1')],
    });
    const server: Server = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(tokens.publicJwks()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const jwks = createRemoteJWKSet(new URL(`http://127.0.0.1:${port}/.well-known/jwks.json`));
      const token = await tokens.issue(approvedClaims);
      expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', kid: 'ed-1' });
      const { payload } = await jwtVerify(token, jwks, { issuer, audience: 'pk_test_demo' });
      expect(payload.sub).toBe('ver_123');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('follows the clock: valid until 300 s, then expired with its claims', async () => {
    const clock = new ManualClock();
    const tokens = await TokenIssuer.create({ issuer, clock });
    const token = await tokens.issue(approvedClaims);
    clock.advance(299_000);
    expect(await tokens.verify(token, { audience: 'pk_test_demo' })).toMatchObject({
      status: 'valid',
      claims: { sub: 'ver_123', phone: '+447400123456' },
    });
    clock.advance(1_000);
    expect(await tokens.verify(token, { audience: 'pk_test_demo' })).toMatchObject({
      status: 'expired',
      claims: { sub: 'ver_123' },
    });
  });

  it('refuses garbage, another audience, tampering, foreign keys, alg none and HS256', async () => {
    const clock = new ManualClock(Date.now());
    const tokens = await TokenIssuer.create({ issuer, clock });
    const token = await tokens.issue(approvedClaims);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const tampered = JSON.parse(Buffer.from(payload, 'base64url').toString());
    tampered.phone = '+447400999999';
    const forged = `${header}.${Buffer.from(JSON.stringify(tampered)).toString('base64url')}.${signature}`;

    const stranger = await TokenIssuer.create({ issuer, clock });
    const foreign = await stranger.issue(approvedClaims);

    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'proofline-result+jwt' })).toString('base64url')}.${payload}.`;
    const hmac = await new SignJWT({ ...approvedClaims })
      .setProtectedHeader({ alg: 'HS256', kid: tokens.currentKid, typ: 'proofline-result+jwt' })
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti('x')
      .sign(new TextEncoder().encode(JSON.stringify(tokens.publicJwks())));

    for (const candidate of ['', 'garbage', 'a.b.c', forged, foreign, none, hmac]) {
      expect(await tokens.verify(candidate, { audience: 'pk_test_demo' })).toEqual({ status: 'invalid' });
    }
    expect(await tokens.verify(token, { audience: 'pk_other' })).toEqual({ status: 'invalid' });
  });

  it('keeps verifying old tokens while the old key stays in the ring (rotation)', async () => {
    const clock = new ManualClock();
    const oldKey = await privateJwk('ES256', 'key-2026-01');
    const newKey = await privateJwk('ES256', 'key-2026-02');
    const before = await TokenIssuer.create({ issuer, clock, signingKeys: [oldKey] });
    const oldToken = await before.issue(approvedClaims);

    const during = await TokenIssuer.create({ issuer, clock, signingKeys: [newKey, oldKey] });
    expect(during.publicJwks().keys.map((key) => key.kid)).toEqual(['key-2026-02', 'key-2026-01']);
    expect(await during.verify(oldToken)).toMatchObject({ status: 'valid' });
    const newToken = await during.issue(approvedClaims);
    expect(decodeProtectedHeader(newToken).kid).toBe('key-2026-02');
    const servedDuring = createLocalJWKSet(JSON.parse(JSON.stringify(during.publicJwks())));
    await expect(
      jwtVerify(oldToken, servedDuring, { issuer, currentDate: new Date(clock.now()) }),
    ).resolves.toBeDefined();

    const after = await TokenIssuer.create({ issuer, clock, signingKeys: [newKey] });
    expect(await after.verify(newToken)).toMatchObject({ status: 'valid' });
    expect(await after.verify(oldToken)).toEqual({ status: 'invalid' });
  });

  it('derives a kid (RFC 7638 thumbprint) when the configured key has none', async () => {
    const tokens = await TokenIssuer.create({
      issuer,
      clock: new ManualClock(),
      signingKeys: [await privateJwk('ES256')],
    });
    expect(tokens.currentKid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses tokens whose claims are not a result token', async () => {
    const clock = new ManualClock(Date.now());
    const jwk = await privateJwk('ES256', 'k1');
    const tokens = await TokenIssuer.create({ issuer, clock, signingKeys: [jwk] });
    const { importJWK } = await import('jose');
    const other = await new SignJWT({ scope: 'admin' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'proofline-result+jwt' })
      .setIssuer(issuer)
      .setAudience('pk_test_demo')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(await importJWK(jwk, 'ES256'));
    expect(await tokens.verify(other)).toEqual({ status: 'invalid' });
  });
});

describe('parseSigningKeys', () => {
  it('reads one JWK, an array (newest first) or a JWKS', async () => {
    const a = await privateJwk('ES256', 'a');
    const b = await privateJwk('EdDSA', 'b');
    expect(parseSigningKeys(JSON.stringify(a))).toEqual([a]);
    expect(parseSigningKeys(JSON.stringify([a, b])).map((key) => key.kid)).toEqual(['a', 'b']);
    expect(parseSigningKeys(JSON.stringify({ keys: [b] }))).toEqual([b]);
  });

  it('names the problem with a wrong value, never echoing the key', async () => {
    const { d: _d, ...publicOnly } = await privateJwk('ES256');
    expect(() => parseSigningKeys('{not json')).toThrow(SigningKeyError);
    expect(() => parseSigningKeys('[]')).toThrow('holds no key');
    expect(() => parseSigningKeys(JSON.stringify(publicOnly))).toThrow('not a private JWK');
  });

  it('refuses keys of other algorithms and duplicate kids', async () => {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const rsa = await exportJWK(privateKey);
    await expect(
      TokenIssuer.create({ issuer, clock: new ManualClock(), signingKeys: [rsa] }),
    ).rejects.toThrow('ES256');
    const a = await privateJwk('ES256', 'same');
    const b = await privateJwk('ES256', 'same');
    await expect(
      TokenIssuer.create({ issuer, clock: new ManualClock(), signingKeys: [a, b] }),
    ).rejects.toThrow('kid');
  });
});
