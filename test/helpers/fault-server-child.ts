/**
 * A fault server in a process of its own (started by fault-server-process.ts), so a test
 * that measures its own memory is not measured with the object served. argv[2] is
 * `{ seed, byteLength }`: it serves seededObject(seed, byteLength). Over IPC it answers
 * `{ id, op: 'summary' | 'requests' | 'reset' | 'close' }` with `{ id, result }`.
 */
import { startFaultServer, type FaultRequest } from './fault-server.js';
import { seededObject } from './random.js';

export interface ServerSummary {
  requests: number;
  maxInFlight: number;
  inFlight: number;
  mixed: { faults: number; resets: number; errors: number };
  statuses: Record<string, number>;
  /** The longest span one Range header asked for. */
  longestRange: number;
  aborted: number;
  heads: number;
}

function summarize(requests: FaultRequest[], maxInFlight: number, inFlight: number, mixed: ServerSummary['mixed']): ServerSummary {
  const statuses: Record<string, number> = {};
  let longestRange = 0;
  for (const r of requests) {
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    const match = /^bytes=(\d+)-(\d+)$/.exec(r.range ?? '');
    if (match) longestRange = Math.max(longestRange, Number(match[2]) - Number(match[1]) + 1);
  }
  const aborted = requests.filter((r) => r.aborted).length;
  const heads = requests.filter((r) => r.method === 'HEAD').length;
  return { requests: requests.length, maxInFlight, inFlight, mixed, statuses, longestRange, aborted, heads };
}

const { seed, byteLength } = JSON.parse(process.argv[2] ?? '{}') as { seed: number; byteLength: number };
const server = await startFaultServer(seededObject(seed, byteLength));
process.on('message', (message: { id: number; op: string }) => {
  const reply = (result: unknown) => process.send!({ id: message.id, result });
  if (message.op === 'summary') reply(summarize(server.requests, server.maxInFlight, server.inFlight, server.mixed));
  if (message.op === 'requests') reply(server.requests.map(({ headers: _headers, ...rest }) => rest));
  if (message.op === 'reset') reply(server.reset());
  if (message.op === 'close') void server.close().then(() => (reply(null), process.disconnect()));
});
process.send!({ id: 0, result: server.origin });
