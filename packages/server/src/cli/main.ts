import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, parseEnv } from 'node:util';
import { doctor } from './doctor.js';
import { migrateRecords } from './records.js';
import { generateSecrets, generateSigningKey } from './secrets.js';
import {
  createSite,
  issueTwilioCredentials,
  issueVonageCredentials,
  listSites,
  rotateSecret,
  setOrigins,
} from './sites.js';
import { UsageError } from './usage-error.js';

const usage = `usage: proofline <command>
  sites create --name NAME --origin ORIGIN [--origin …] [--config FILE]
  sites list [--config FILE]
  sites rotate-secret --site SITE_KEY [--config FILE]
  sites set-origins --site SITE_KEY --origin ORIGIN [--origin …] [--config FILE]
  sites vonage-credentials --site SITE_KEY [--public-key FILE [--application-id ID]] [--config FILE]
  sites twilio-credentials --site SITE_KEY [--config FILE]
  keys generate [--alg ES256|EdDSA] [--json]
  secrets generate
  doctor [--env-file FILE]
  records migrate [--env-file FILE]
FILE defaults to $PROOFLINE_CONFIG, else ./proofline-sites.json.`;

const options = {
  name: { type: 'string' },
  origin: { type: 'string', multiple: true },
  site: { type: 'string' },
  'public-key': { type: 'string' },
  'application-id': { type: 'string' },
  config: { type: 'string' },
  alg: { type: 'string' },
  json: { type: 'boolean' },
  'env-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Outcome = { lines: string[]; exitCode: number };

/** Runs one command; output lines and exit code (0 done, 1 doctor found problems). Throws UsageError. */
export async function runCli(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): Promise<Outcome> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!);
  }
  const { values, positionals } = parsed;
  const command = positionals.join(' ');
  // `pnpm proofline` runs in the workspace root: relative paths mean the caller's folder (INIT_CWD).
  const here = env.INIT_CWD ?? process.cwd();
  const config = resolve(here, values.config ?? env.PROOFLINE_CONFIG ?? 'proofline-sites.json');
  const done = (lines: string[]) => ({ lines, exitCode: 0 });
  if (values.help || command === '' || command === 'help') return done([usage]);
  switch (command) {
    case 'sites create':
      return done(
        createSite(config, { ...(values.name ? { name: values.name } : {}), origins: values.origin ?? [] }),
      );
    case 'sites list':
      return done(listSites(config));
    case 'sites rotate-secret':
      return done(rotateSecret(config, values.site));
    case 'sites set-origins':
      return done(setOrigins(config, values.site, values.origin ?? []));
    case 'sites vonage-credentials':
      return done(
        issueVonageCredentials(config, values.site, {
          publicKeyFile: values['public-key'] === undefined ? undefined : resolve(here, values['public-key']),
          id: values['application-id'],
        }),
      );
    case 'sites twilio-credentials':
      return done(issueTwilioCredentials(config, values.site));
    case 'keys generate': {
      const jwk = JSON.stringify(await generateSigningKey(values.alg));
      return done([values.json ? jwk : `SIGNING_KEY='${jwk}'`]);
    }
    case 'secrets generate':
      return done(generateSecrets());
    case 'doctor': {
      const fileEnv = values['env-file'] ? readEnvFile(resolve(here, values['env-file'])) : {};
      const findings = await doctor({ ...env, ...fileEnv });
      const lines = findings.map((finding) => `${finding.ok ? 'ok  ' : 'FAIL'}  ${finding.what}`);
      const failed = findings.filter((finding) => !finding.ok).length;
      lines.push(
        failed === 0 ? 'ready for production' : `${failed} problem${failed === 1 ? '' : 's'} to fix`,
      );
      return { lines, exitCode: failed === 0 ? 0 : 1 };
    }
    case 'records migrate': {
      const fileEnv = values['env-file'] ? readEnvFile(resolve(here, values['env-file'])) : {};
      return done(await migrateRecords({ ...env, ...fileEnv }));
    }
    default:
      throw new UsageError(`unknown command "${command}" (proofline --help lists them)`);
  }
}

function readEnvFile(path: string): Record<string, string | undefined> {
  try {
    return parseEnv(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--env-file ${path}: ${(error as Error).message}`);
  }
}

/** The `proofline` command: bad input is one line on stderr and exit code 2. */
export async function main(argv: readonly string[]): Promise<void> {
  try {
    const outcome = await runCli(argv, process.env);
    process.stdout.write(`${outcome.lines.join('\n')}\n`);
    process.exitCode = outcome.exitCode;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`proofline: ${error.message}\n`);
    process.exitCode = 2;
  }
}
