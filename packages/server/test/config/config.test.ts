import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('loadConfig', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 8787, embedded: true, sandboxEnabled: true, devInboxEnabled: true });
  });

  it.each([
    [{ PORT: 'eighty' }, 'invalid PORT'],
    [{ PORT: '70000' }, 'invalid PORT'],
    [{ REDIS_URL: 'http://localhost' }, 'invalid REDIS_URL'],
    [{ LOG_LEVEL: 'loud' }, 'invalid LOG_LEVEL'],
    [{ SERVER_SECRET: 'short' }, 'invalid SERVER_SECRET'],
    [{ ENABLE_SANDBOX: 'maybe' }, 'invalid ENABLE_SANDBOX'],
    [{ LINE_INFO: 'hlr' }, 'invalid LINE_INFO'],
    [{ LINE_INFO: 'twilio' }, 'missing TWILIO_ACCOUNT_SID: required with LINE_INFO=twilio'],
    [{ LINE_INFO: 'twilio', TWILIO_ACCOUNT_SID: 'AC1' }, 'missing TWILIO_AUTH_TOKEN'],
    [
      { LINE_INFO: 'vonage', VONAGE_API_KEY: 'k' },
      'missing VONAGE_API_SECRET: required with LINE_INFO=vonage',
    ],
    [{ OPERATOR_HASHED_PHONE: 'perhaps' }, 'invalid OPERATOR_HASHED_PHONE'],
  ])('names the variable of a wrong value %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('needs the production variables in production, one at a time', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('missing REDIS_URL');
    expect(() => loadConfig({ NODE_ENV: 'production', REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(
      'missing SIGNING_KEY',
    );
  });

  it('turns the sandbox and the dev inbox off in production unless asked', () => {
    const production = {
      NODE_ENV: 'production',
      REDIS_URL: 'redis://127.0.0.1:6379',
      SIGNING_KEY: '{}',
      PROOFLINE_CONFIG: '/etc/proofline.json',
      SERVER_SECRET: 'x'.repeat(32),
      DATA_KEY: 'y'.repeat(32),
    };
    expect(loadConfig(production)).toMatchObject({
      sandboxEnabled: false,
      devInboxEnabled: false,
      embedded: false,
    });
    expect(loadConfig({ ...production, ENABLE_SANDBOX: 'true' })).toMatchObject({ sandboxEnabled: true });
  });

  it('stops the server at start with one line naming the variable', () => {
    const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
    const result = spawnSync(process.execPath, ['--import', 'tsx', main], {
      env: { PATH: process.env.PATH, PORT: 'eighty' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'proofline: invalid PORT: Invalid input: expected number, received NaN (got "eighty")',
    ]);
  });
});

describe('Redis topology', () => {
  it.each([
    [{ REDIS_CLUSTER_NODES: '127.0.0.1' }, 'invalid REDIS_CLUSTER_NODES'],
    [{ REDIS_SENTINELS: 'a:1,,b:2' }, 'invalid REDIS_SENTINELS'],
  ])('names a wrong node list %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('counts Cluster or Sentinel nodes as the production store', () => {
    const production = {
      NODE_ENV: 'production',
      SIGNING_KEY: '{}',
      PROOFLINE_CONFIG: '/etc/proofline.json',
      SERVER_SECRET: 'x'.repeat(32),
      DATA_KEY: 'y'.repeat(32),
    };
    expect(() => loadConfig(production)).toThrow('missing REDIS_URL');
    expect(loadConfig({ ...production, REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7000' })).toMatchObject({
      embedded: false,
    });
    expect(loadConfig({ ...production, REDIS_SENTINELS: '10.0.0.1:26379' })).toMatchObject({
      REDIS_SENTINEL_NAME: 'mymaster',
    });
  });
});
