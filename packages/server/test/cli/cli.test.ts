import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { systemClock } from '../../src/clock/index.js';
import { documentedSecrets, secretWeakness } from '../../src/config/index.js';
import { hashSecret, TenantDirectory } from '../../src/tenants/index.js';
import { parseSigningKeys, TokenIssuer } from '../../src/tokens/index.js';
import { sendJson, startFakeProvider } from '../messaging/fake-provider.js';
import { REDIS_URL } from '../support/server.js';

const bin = fileURLToPath(new URL('../../bin/proofline.mjs', import.meta.url));
const docs = fileURLToPath(new URL('../../../../docs/', import.meta.url));

async function folder(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'proofline-cli-'));
}

/** `proofline …` run in-process; the words are split on spaces (the temporary paths have none). */
const cli = (words: string, env: Record<string, string> = {}) => runCli(words.split(' '), env);

describe('proofline sites', () => {
  it('creates sites the server loads, printing the secret once and storing only its hash', async () => {
    const config = join(await folder(), 'sites.json');
    const created = await cli(
      `sites create --name Shop --origin https://shop.example.com --origin https://*.shop.example.com --config ${config}`,
    );
    expect(created.exitCode).toBe(0);
    const siteKey = /site key: +(pk_live_[0-9a-f]{24})/.exec(created.lines.join('\n'))![1]!;
    const secret = /secret key: +(sk_live_[0-9a-f]{48})/.exec(created.lines.join('\n'))![1]!;
    const text = await readFile(config, 'utf8');
    expect(text).not.toContain(secret);
    expect(JSON.parse(text).sites[0]).toEqual({
      site_key: siteKey,
      secret_sha256: hashSecret(secret),
      brand: 'Shop',
      allowed_origins: ['https://shop.example.com', 'https://*.shop.example.com'],
    });
    const directory = TenantDirectory.fromFile(config);
    expect(directory.bySecret(secret)?.siteKey).toBe(siteKey);

    await cli('sites create --name Blog --origin https://blog.example.com', {
      PROOFLINE_CONFIG: config,
    });
    const listed = await cli(`sites list --config ${config}`);
    expect(listed.lines).toHaveLength(2);
    expect(listed.lines[0]).toBe(`${siteKey}  Shop  https://shop.example.com https://*.shop.example.com`);

    const rotated = await cli(`sites rotate-secret --site ${siteKey} --config ${config}`);
    const newSecret = /secret key: +(sk_live_\w+)/.exec(rotated.lines.join('\n'))![1]!;
    const after = TenantDirectory.fromFile(config);
    expect(after.bySecret(newSecret)?.siteKey).toBe(siteKey);
    expect(after.bySecret(secret)).toBeNull();

    await cli(`sites set-origins --site ${siteKey} --origin https://new.example.com --config ${config}`);
    expect(TenantDirectory.fromFile(config).bySiteKeyOrNull(siteKey)?.allowedOrigins).toEqual([
      'https://new.example.com',
    ]);
  });

  it.each([
    ['sites create --origin https://shop.example.com', '--name must be 1 to 64 characters'],
    ['sites create --name Shop', 'give at least one --origin (e.g. --origin https://shop.example.com)'],
    [
      'sites create --name Shop --origin ftp://shop.example.com',
      '--origin "ftp://shop.example.com": an origin such as https://shop.example.com, https://*.example.com or http://localhost:*',
    ],
    ['sites rotate-secret', 'give --site <site key> (see `proofline sites list`)'],
    ['sites rotate-secret --site pk_live_nope', /^no site pk_live_nope in /],
    ['sites create --nme Shop', /^Unknown option '--nme'/],
    ['keys generate --alg RS256', '--alg must be ES256 or EdDSA'],
    ['launch', 'unknown command "launch" (proofline --help lists them)'],
  ])('refuses %j with one line', async (words, message) => {
    const config = join(await folder(), 'sites.json');
    const attempt = cli(`${words} --config ${config}`);
    await expect(attempt).rejects.toMatchObject({ name: 'UsageError' });
    await attempt.catch((error: Error) => {
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('\n');
    });
  });

  it('leaves the file as it was when the input or the write fails', async () => {
    const dir = await folder();
    const config = join(dir, 'sites.json');
    await cli(`sites create --name Shop --origin https://shop.example.com --config ${config}`);
    const before = await readFile(config, 'utf8');
    await expect(
      cli(
        `sites set-origins --site ${JSON.parse(before).sites[0].site_key} --origin nope --config ${config}`,
      ),
    ).rejects.toThrow();
    expect(await readFile(config, 'utf8')).toBe(before);

    // A write that fails (the folder does not exist): nothing written, nothing left behind.
    await expect(
      cli(
        `sites create --name Shop --origin https://shop.example.com --config ${join(dir, 'missing', 'sites.json')}`,
      ),
    ).rejects.toThrow(/^cannot write /);
    expect(await readdir(dir)).toEqual(['sites.json']);

    await writeFile(config, '{"sites": [{"site_key": "oops"}]}');
    await expect(cli(`sites list --config ${config}`)).rejects.toThrow(/sites\.0\.site_key/);
  });

  it('exits 2 with one line on stderr from the installed command', async () => {
    const child = spawn(process.execPath, [bin, 'sites', 'create', '--name', 'Shop'], {
      env: { PATH: process.env.PATH },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk.toString();
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toBe('proofline: give at least one --origin (e.g. --origin https://shop.example.com)\n');
  });
});

describe('proofline keys and secrets', () => {
  it('makes a signing key the server signs with', async () => {
    const [line] = (await cli('keys generate')).lines;
    const jwk = /^SIGNING_KEY='(.+)'$/.exec(line!)![1]!;
    const issuer = await TokenIssuer.create({
      issuer: 'urn:test',
      clock: systemClock,
      signingKeys: parseSigningKeys(jwk),
    });
    expect(JSON.parse(jwk)).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: expect.any(String) });
    expect(issuer).toBeDefined();
    const [eddsa] = (await cli('keys generate --alg EdDSA --json')).lines;
    expect(JSON.parse(eddsa!)).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
  });

  it('makes secrets production accepts', async () => {
    const { lines } = await cli('secrets generate');
    expect(lines.map((line) => line.split('=')[0])).toEqual(['SERVER_SECRET', 'DATA_KEY', 'METRICS_TOKEN']);
    for (const line of lines) expect(secretWeakness(line.slice(line.indexOf('=') + 1))).toBeNull();
  });

  it('knows every secret the docs print, so production refuses them', async () => {
    const pages = (await readdir(docs)).filter((name) => name.endsWith('.md'));
    const printed = new Set<string>();
    for (const page of pages) {
      const text = await readFile(join(docs, page), 'utf8');
      for (const match of text.matchAll(/\b(?:SERVER_SECRET|DATA_KEY|METRICS_TOKEN)=([A-Za-z0-9_-]{16,})/g)) {
        printed.add(match[1]!);
      }
    }
    expect([...printed].sort()).toEqual([...documentedSecrets].sort());
    for (const value of documentedSecrets) expect(secretWeakness(value)).toBe('a value from the docs');
  });
});

describe('proofline doctor', () => {
  it('says what is wrong with a configuration', async () => {
    const twilio = await startFakeProvider((_request, response) =>
      sendJson(response, 401, { code: 20003, status: 401 }),
    );
    try {
      const config = join(await folder(), 'sites.json');
      await cli(`sites create --name Shop --origin https://shop.example.com --config ${config}`);
      const envFile = join(await folder(), 'proofline.env');
      const secrets = (await cli('secrets generate')).lines;
      const key = (await cli('keys generate')).lines;
      await writeFile(
        envFile,
        [
          ...secrets.filter((line) => !line.startsWith('METRICS_TOKEN')),
          ...key,
          'NODE_ENV=production',
          `PROOFLINE_CONFIG=${config}`,
          `REDIS_URL=${REDIS_URL}`,
          'TWILIO_ACCOUNT_SID=AC00000000000000000000000000000000',
          'TWILIO_AUTH_TOKEN=wrong',
          'TWILIO_FROM=+15005550006',
          `TWILIO_BASE_URL=${twilio.url}`,
        ].join('\n'),
      );
      const report = await cli(`doctor --env-file ${envFile}`);
      expect(report.exitCode).toBe(1);
      expect(report.lines).toEqual([
        `ok    sites: 1 in ${config}`,
        'ok    channels: sms twilio, voice twilio, whatsapp off, email off',
        'ok    signing keys: 1',
        'FAIL  METRICS_TOKEN is not set: /metrics answers 401 to everyone',
        // The shared test Redis keeps nothing on disk.
        'FAIL  redis: no persistence (set appendonly yes or save): a restart forgets redeemed tokens',
        'FAIL  twilio: refuses the credentials',
        '3 problems to fix',
      ]);
    } finally {
      await twilio.close();
    }
  });

  it('names a configuration the server would refuse', async () => {
    const report = await cli('doctor', { NODE_ENV: 'production' });
    expect(report).toEqual({
      exitCode: 1,
      lines: [
        'FAIL  configuration: missing REDIS_URL: required when NODE_ENV=production',
        '1 problem to fix',
      ],
    });
  });
});
