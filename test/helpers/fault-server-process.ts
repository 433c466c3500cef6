/**
 * startFaultServerProcess(): the fault server (fault-server.ts) in a child node process
 * serving a seeded object (random.ts, seededObject), so the test process holds none of
 * its bytes. The child is bundled with esbuild (Node 20 runs no TypeScript) and talks
 * over IPC; its counters come back as a summary.
 */
import { build } from 'esbuild';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FaultRequest } from './fault-server.js';
import type { ServerSummary } from './fault-server-child.js';

export type { ServerSummary };

export interface FaultServerProcess {
  readonly origin: string;
  url(query?: Record<string, string | number>, path?: string): string;
  summary(): Promise<ServerSummary>;
  requests(): Promise<Omit<FaultRequest, 'headers'>[]>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./fault-server-child.ts', import.meta.url));

export async function startFaultServerProcess(seed: number, byteLength: number): Promise<FaultServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'fault-server-'));
  const script = join(dir, 'child.mjs');
  await build({ entryPoints: [CHILD], outfile: script, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'silent' });
  const child: ChildProcess = fork(script, [JSON.stringify({ seed, byteLength })], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, (result: unknown) => void>();
  let nextId = 1;
  const started = new Promise<string>((resolve, reject) => {
    waiting.set(0, (origin) => resolve(origin as string));
    child.once('exit', (code) => reject(new Error(`the fault server process exited with ${code}`)));
  });
  child.on('message', (message: { id: number; result: unknown }) => {
    waiting.get(message.id)?.(message.result);
    waiting.delete(message.id);
  });
  const ask = <T>(op: string) =>
    new Promise<T>((resolve) => {
      const id = nextId++;
      waiting.set(id, (result) => resolve(result as T));
      child.send({ id, op });
    });
  const origin = await started;
  return {
    origin,
    url(query = {}, path = '/data') {
      const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
      return `${origin}${path}${search ? `?${search}` : ''}`;
    },
    summary: () => ask<ServerSummary>('summary'),
    requests: () => ask<Omit<FaultRequest, 'headers'>[]>('requests'),
    reset: () => ask<void>('reset'),
    async close() {
      if (child.connected) await ask('close');
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
