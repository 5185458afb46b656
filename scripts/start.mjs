// `pnpm start`: builds what is needed, then runs the Proofline server (PORT, default 8787) and the
// demo site (DEMO_PORT, default 5173) on embedded defaults, and prints the URL to open.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const port = process.env.PORT ?? '8787';
const demoPort = process.env.DEMO_PORT ?? '5173';

const build = spawnSync('node', ['packages/widget/scripts/ensure-built.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const children = [];
function run(name, args, env, readyLine) {
  const child = spawn('pnpm', args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  child.stdout.on('data', (chunk) => {
    const text = chunk.toString();
    process.stdout.write(text.replace(/^/gm, `[${name}] `).replace(/\[\w+\] $/, ''));
    if (readyLine && text.includes(readyLine.match)) readyLine.onReady();
  });
  child.on('exit', (code) => {
    console.log(`[${name}] exited with ${code}`);
    stop(code ?? 1);
  });
  return child;
}

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

const serverUrl = `http://127.0.0.1:${port}`;
// The demo is tried by hand, a dozen numbers in a few minutes from one browser: it runs with its own,
// roomier limits (demo/fraud-policy.json, documented in docs/quick-start.md) unless FRAUD_POLICY is set.
const fraudPolicy = process.env.FRAUD_POLICY ?? readFileSync('demo/fraud-policy.json', 'utf8');
run(
  'server',
  ['--filter', '@proofline/server', 'exec', 'tsx', 'src/main.ts'],
  { PORT: port, FRAUD_POLICY: fraudPolicy },
  {
    match: 'proofline listening on',
    onReady() {
      if (!existsSync('demo/server.ts')) {
        console.log(
          `\nProofline is running: open ${serverUrl}/dev/inbox.html (the demo site is not built yet)\n`,
        );
        return;
      }
      run(
        'demo',
        ['--filter', '@proofline/demo', 'start'],
        { DEMO_PORT: demoPort, PROOFLINE_URL: serverUrl },
        {
          match: 'demo listening on',
          onReady() {
            console.log(`\nOpen the demo: http://localhost:${demoPort}/\n`);
          },
        },
      );
    },
  },
);
