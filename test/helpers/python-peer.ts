/** Drives test/helpers/shm_peer.py: a live Python process with one SharedMemory. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const PEER = fileURLToPath(new URL('./shm_peer.py', import.meta.url));

export interface PeerAnswer {
  error?: string;
  errno?: number;
  message?: string;
  name?: string;
  size?: number;
  hex?: string;
  pid?: number;
}

export class PythonPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly answers: AsyncIterator<string>;
  private stderr = '';
  private readonly exited: Promise<number | null>;

  constructor() {
    this.child = spawn('python3', ['-u', PEER], { stdio: 'pipe' });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
    this.answers = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  /** Sends one command and waits for its answer line. */
  async call(command: Record<string, unknown>): Promise<PeerAnswer> {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    const next = await this.answers.next();
    if (next.done) throw new Error(`python peer ended: ${this.stderr}`);
    return JSON.parse(next.value) as PeerAnswer;
  }

  /** Like call(), but an answer with an error fails the test. */
  async ok(command: Record<string, unknown>): Promise<PeerAnswer> {
    const answer = await this.call(command);
    if (answer.error) throw new Error(`python ${String(command.op)} failed: ${JSON.stringify(answer)}`);
    return answer;
  }

  /** Ends the process normally (Python's exit handlers run); its exit code and stderr. */
  async exit(): Promise<{ code: number | null; stderr: string }> {
    this.child.stdin.end(`${JSON.stringify({ op: 'exit' })}\n`);
    const code = await this.exited;
    return { code, stderr: this.stderr };
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

/** Whether a process is gone (exited, or a zombie nobody reaped yet). */
export function processGone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}

/** Waits until `pid` is gone (at most `ms`); false if it is still there. */
export async function waitGone(pid: number, ms = 10_000): Promise<boolean> {
  for (const start = Date.now(); Date.now() - start < ms; await new Promise((r) => setTimeout(r, 20))) {
    if (processGone(pid)) return true;
  }
  return processGone(pid);
}
