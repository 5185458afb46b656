import { startSandboxOperator } from './standalone.js';

/** `pnpm --filter @proofline/server sandbox-operator`: the simulated operator alone (SANDBOX_PORT, default 8788). */
const port = Number(process.env.SANDBOX_PORT ?? 8788);
const dialect = process.env.SANDBOX_DIALECT === 'aggregator' ? 'aggregator' : 'camara';
const sandbox = await startSandboxOperator({ port, dialect });
console.log(`sandbox operator listening on ${sandbox.baseUrl}`);
const stop = () => void sandbox.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
