// The floor under a widget start, for `pnpm bench`: the real server (src/app.ts, configured as the
// bench configures the server without an operator) whose verification service does its first start
// and then answers every start with that same answer at once. What is left is what every widget
// mutation pays before the service runs: Fastify, CORS, the trusted proxy, tRPC's POST, the input's
// schema, the site key and Origin check, the view. The start's own work is the rest.
// Run with `node --import tsx` (it imports the server's TypeScript source); prints the server's
// listening line and stops on SIGTERM.
import { startProofline } from '../../packages/server/src/app.ts';

const server = await startProofline();
const { verification } = server.deps;
const start = verification.start.bind(verification);
let answer = null;
verification.start = async (caller, input) => {
  answer ??= await start(caller, input);
  return answer;
};
console.log(`proofline listening on ${server.url}`);
process.once('SIGTERM', () => server.close().then(() => process.exit(0)));
