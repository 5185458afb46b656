import { describe, expect, it } from 'vitest';
import { originMatches, parseOriginPattern } from '../src/origins.js';
import { SettingsPatch } from '../src/settings.js';

describe('allowed-origin patterns', () => {
  it.each([
    ['https://shop.example.com', 'https://shop.example.com', true],
    ['https://shop.example.com', 'https://SHOP.example.com', true],
    ['https://shop.example.com:443', 'https://shop.example.com', true],
    ['https://shop.example.com', 'https://shop.example.com:8443', false],
    ['https://shop.example.com', 'http://shop.example.com', false],
    ['https://*.shop.example.com', 'https://eu.shop.example.com', true],
    ['https://*.shop.example.com', 'https://a.b.shop.example.com', true],
    ['https://*.shop.example.com', 'https://shop.example.com', false],
    ['https://*.shop.example.com', 'https://evilshop.example.com', false],
    ['https://*.shop.example.com', 'https://shop.example.com.evil.io', false],
    ['http://localhost:*', 'http://localhost:5173', true],
    ['http://localhost:*', 'http://localhost', true],
    ['http://localhost:*', 'http://localhost.evil.io:5173', false],
    ['http://127.0.0.1:*', 'http://127.0.0.1:8787', true],
    ['https://*.example.com:*', 'https://a.example.com:8443', true],
    ['https://shop.example.com', 'null', false],
    ['https://shop.example.com', 'https://shop.example.com/path', false],
  ])('%s against %s → %s', (pattern, origin, expected) => {
    expect(originMatches(pattern, origin)).toBe(expected);
  });

  it.each([
    'http://a*a*a*a*a*a*a*a*a*a*b',
    'https://*',
    'https://*.com.*',
    'https://ex*ample.com',
    'https://*example.com',
    'https://**.example.com',
    '*',
    'ftp://example.com',
    'https://example.com/',
    'https://user@example.com',
    'https://example.com:99999',
    'https://example.com:8*',
    'https://-bad-.example.com',
  ])('refuses %s', (entry) => {
    expect(parseOriginPattern(entry).ok).toBe(false);
  });

  it('answers the path of the bad entry when a site saves it', () => {
    const result = SettingsPatch.safeParse({ allowed_origins: ['https://ok.example.com', 'http://a*a*b'] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['allowed_origins', 1]);
  });

  it('answers a repeated Origin as the first time, also once more origins came than it remembers', () => {
    for (let round = 0; round < 2; round++) {
      expect(originMatches('https://shop.example.com', 'https://SHOP.example.com')).toBe(true);
      expect(originMatches('https://shop.example.com', 'https://shop.example.com/path')).toBe(false);
      expect(originMatches('http://shop.example.com', 'https://shop.example.com')).toBe(false);
      expect(originMatches('https://*.example.com:*', 'https://a.example.com:8443')).toBe(true);
      expect(originMatches('https://*.example.com', 'https://a.example.com:8443')).toBe(false);
      for (let n = 0; n < 1_100; n++)
        expect(originMatches('https://*.example.com', `https://s${n}.example.com`)).toBe(true);
    }
  });

  it('matches a long hostile Origin without backtracking (string comparison only)', () => {
    const origin = `http://${'a'.repeat(5_000)}.example.com`;
    expect(originMatches('http://*.example.com', origin)).toBe(true);
    expect(originMatches('http://*.example.org', origin)).toBe(false);
    expect(originMatches('https://*.example.com', `https://${'a.'.repeat(100)}example.com`)).toBe(true);
  });
});
