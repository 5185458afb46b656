#!/usr/bin/env node
// The `proofline` command. The server runs from its TypeScript sources (as `pnpm start` does),
// so tsx loads them.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/index.ts');
await main(process.argv.slice(2));
