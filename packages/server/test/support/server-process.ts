import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/**
 * The server as production runs it (`src/main.ts`), in a process of its own, so that a test can
 * signal or kill it for real. Answers once it prints that it listens.
 */
export async function startServerProcess(
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  for await (const chunk of child.stdout!) {
    output += chunk.toString();
    const match = /proofline listening on (http:\/\/\S+)/.exec(output);
    if (match) return { child, url: match[1]! };
  }
  throw new Error(`server did not start: ${output}`);
}
