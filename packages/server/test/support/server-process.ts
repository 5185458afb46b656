import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export type ServerProcess = {
  child: ChildProcess;
  url: string;
  /** Every line the process printed on stdout so far (pino's JSON log lines and the ready line). */
  lines(): string[];
  stop(): Promise<void>;
};

/** `main.ts` in its own process with exactly `env` (plus PATH), as an operator starts it. */
export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { PATH: process.env.PATH, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stderr!.on('data', (chunk) => {
    errors += chunk.toString();
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  for await (const chunk of child.stdout!) {
    output += chunk.toString();
    const match = /proofline listening on (http:\/\/\S+)/.exec(output);
    if (match) {
      child.stdout!.on('data', (more) => {
        output += more.toString();
      });
      return { child, url: match[1]!, lines: () => output.split('\n').filter(Boolean), stop };
    }
  }
  throw new Error(`server did not start: ${errors || output}`);
}

/** Runs `main.ts` expecting it to refuse to start: answers its exit code and stderr lines. */
export async function refusedStart(
  env: Record<string, string>,
): Promise<{ status: number | null; stderr: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { PATH: process.env.PATH, PORT: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr!.on('data', (chunk) => {
    errors += chunk.toString();
  });
  const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { status, stderr: errors.split('\n').filter(Boolean) };
}
