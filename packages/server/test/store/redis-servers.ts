import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

/**
 * Real Redis processes for the tests: a single node that can be stopped and restarted, a 3-master
 * Cluster, a Sentinel. They live in a temp dir, persist nothing, and listen on 127.0.0.1 only.
 * A missing `redis-server` fails the test loudly: CI installs it, so skipping would hide a gap.
 */

const run = promisify(execFile);
const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of started) child.kill('SIGKILL');
});

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A port whose cluster bus port (port + 10000) is free as well. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await isFree(port + 10_000))) return port;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Retries `probe` until it resolves, for at most `withinMs`; for waiting on a process, not on time. */
export async function eventually<T>(probe: () => Promise<T>, withinMs = 10_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function spawnRedis(args: readonly string[], dir: string): ChildProcess {
  const child = spawn('redis-server', [...args], { cwd: dir, stdio: 'ignore' });
  child.once('error', (error) => {
    // Reported loudly by the ping that follows; this keeps the error from being unhandled.
    console.error(`redis-server could not start (is it installed?): ${error.message}`);
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** A one-shot client for probing a starting server: its refusals are expected, not worth a log line. */
function probeClient(port: number): Redis {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
  client.on('error', () => {});
  return client;
}

async function answers(port: number): Promise<void> {
  const client = probeClient(port);
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
}

async function requireRedisServer(): Promise<void> {
  try {
    await run('redis-server', ['--version']);
  } catch {
    throw new Error('redis-server is not installed: install it (apt-get install redis-server); CI does');
  }
}

const ephemeral = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];

export type RedisNodeProcess = {
  port: number;
  url: string;
  /** Kills the server (as a crash would). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  /** Freezes or thaws it: a server that accepts connections but never answers. */
  pause(): void;
  resume(): void;
};

export async function startRedisNode(
  extraArgs: readonly string[] = [],
): Promise<RedisNodeProcess & { close(): Promise<void> }> {
  await requireRedisServer();
  const dir = await mkdtemp(join(tmpdir(), 'proofline-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const node = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawnRedis(['--port', String(port), ...ephemeral, ...extraArgs], dir);
      await eventually(() => answers(port));
    },
    async stop() {
      if (child) await stopProcess(child);
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async close() {
      node.resume();
      await node.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await node.start();
  return node;
}

export type LocalCluster = { nodes: { host: string; port: number }[]; close(): Promise<void> };

/** Three masters sharing the 16384 slots, created with `redis-cli --cluster create`. */
export async function startCluster(): Promise<LocalCluster> {
  await requireRedisServer();
  const dir = await mkdtemp(join(tmpdir(), 'proofline-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  const close = async () => {
    await Promise.all(children.map(stopProcess));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let index = 0; index < 3; index += 1) {
      const port = await freeClusterPort();
      ports.push(port);
      children.push(
        spawnRedis(
          [
            '--port',
            String(port),
            ...ephemeral,
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            `nodes-${port}.conf`,
            '--cluster-node-timeout',
            '2000',
          ],
          dir,
        ),
      );
    }
    await Promise.all(ports.map((port) => eventually(() => answers(port))));
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await Promise.all(ports.map((port) => eventually(() => clusterIsOk(port), 15_000)));
    return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function clusterIsOk(port: number): Promise<void> {
  const client = probeClient(port);
  try {
    await client.connect();
    const info = await client.cluster('INFO');
    if (!String(info).includes('cluster_state:ok')) throw new Error(`cluster on ${port} not ok yet`);
  } finally {
    client.disconnect();
  }
}

export type LocalSentinel = {
  sentinels: { host: string; port: number }[];
  name: string;
  master: RedisNodeProcess;
  replica: RedisNodeProcess;
  close(): Promise<void>;
};

/**
 * A master, its replica, and one Sentinel watching them under the name `proofline-test`, tuned to
 * fail over within a second or two of the master dying.
 */
export async function startSentinel(): Promise<LocalSentinel> {
  // No diskless-sync delay: by default the master waits 5 s for more replicas before syncing.
  const master = await startRedisNode(['--repl-diskless-sync-delay', '0']);
  const replica = await startRedisNode(['--replicaof', '127.0.0.1', String(master.port)]);
  await eventually(() => replicaInSync(replica.port));
  const dir = await mkdtemp(join(tmpdir(), 'proofline-sentinel-'));
  const port = await freePort();
  const name = 'proofline-test';
  // Sentinel rewrites its config file, so it gets its own writable copy.
  const config = join(dir, 'sentinel.conf');
  await writeFile(
    config,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${name} 127.0.0.1 ${master.port} 1`,
      `sentinel down-after-milliseconds ${name} 300`,
      `sentinel failover-timeout ${name} 3000`,
      '',
    ].join('\n'),
  );
  const child = spawnRedis([config, '--sentinel'], dir);
  const close = async () => {
    await stopProcess(child);
    await Promise.all([master.close(), replica.close()]);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await eventually(() => sentinelKnowsReplica(port, name));
    return { sentinels: [{ host: '127.0.0.1', port }], name, master, replica, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function replicaInSync(port: number): Promise<void> {
  const client = probeClient(port);
  try {
    await client.connect();
    if (!(await client.info('replication')).includes('master_link_status:up')) {
      throw new Error('replica not in sync yet');
    }
  } finally {
    client.disconnect();
  }
}

async function sentinelKnowsReplica(port: number, name: string): Promise<void> {
  const client = probeClient(port);
  try {
    await client.connect();
    const replicas = await client.call('SENTINEL', 'replicas', name);
    if (!Array.isArray(replicas) || replicas.length === 0) throw new Error('sentinel sees no replica yet');
  } finally {
    client.disconnect();
  }
}
