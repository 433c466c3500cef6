/**
 * A real nginx (the system's, $NGINX, or Debian's unpacked by test/tools/provision.mjs) for the remote-source tests: its own
 * generated config, temp root, pid file and logs, on 127.0.0.1 at a free ephemeral port,
 * in the foreground as one process (`daemon off; master_process off;`), so it runs as
 * the calling user, never touches the system service or port 80, and stops with SIGTERM.
 *
 * Locations:
 *   /files/…    plain static files from `<root>/files`, with CORS headers for browser tests
 *   /gzip/…     `gzip_static always`: serves `<name>.gz` from `<root>/gzip` with Content-Encoding: gzip
 *   /norange/…  the same files as /files/ with `max_ranges 0`: Range is ignored, 200 with the whole file
 *   /__sync     204; the helper's own marker request (see `sync()`)
 * Every request is logged as one JSON line: method, uri, query, status, the Range, If-Match, If-Range,
 * If-Unmodified-Since, Accept-Encoding, X-Custom and Authorization request headers, and
 * body bytes sent. Tests count requests from this log, never from timing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolPath } from '../tools/tools.mjs';


export interface AccessEntry {
  method: string;
  uri: string;
  args: string;
  status: number;
  range: string;
  ifMatch: string;
  ifRange: string;
  ifUnmodifiedSince: string;
  acceptEncoding: string;
  custom: string;
  authorization: string;
  bytes: number;
}

export interface Nginx {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** The temp root: `files/`, `gzip/`, `logs/`, … */
  readonly root: string;
  url(path: string): string;
  /** Where `/files/<name>` is on disk. */
  file(name: string): string;
  /** Lines of the access log so far; pass the result to `since()` to count what follows. */
  mark(): number;
  /** Entries after `mark`, once every request answered before this call has been logged. */
  since(mark: number): Promise<AccessEntry[]>;
  /** Polls until `predicate` holds for the entries after `mark` (for requests the client aborted). */
  waitFor(mark: number, predicate: (entries: AccessEntry[]) => boolean, timeoutMs?: number): Promise<AccessEntry[]>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function config(root: string, port: number): string {
  const cors = `
      add_header Access-Control-Allow-Origin * always;
      add_header Access-Control-Allow-Headers "Range, If-Match, If-Unmodified-Since, Authorization, X-Custom" always;
      add_header Access-Control-Expose-Headers "Content-Range, Content-Length, ETag, Last-Modified, Content-Encoding" always;
      if ($request_method = OPTIONS) { return 204; }`;
  return `
daemon off;
master_process off;
pid ${root}/nginx.pid;
error_log ${root}/logs/error.log warn;
events { worker_connections 512; }
http {
  client_body_temp_path ${root}/tmp/body;
  proxy_temp_path ${root}/tmp/proxy;
  fastcgi_temp_path ${root}/tmp/fastcgi;
  uwsgi_temp_path ${root}/tmp/uwsgi;
  scgi_temp_path ${root}/tmp/scgi;
  default_type application/octet-stream;
  keepalive_timeout 5s;
  log_format probe escape=json '{"method":"$request_method","uri":"$uri","args":"$args","status":$status,'
    '"range":"$http_range","ifMatch":"$http_if_match","ifRange":"$http_if_range","ifUnmodifiedSince":"$http_if_unmodified_since",'
    '"acceptEncoding":"$http_accept_encoding","custom":"$http_x_custom","authorization":"$http_authorization",'
    '"bytes":$body_bytes_sent}';
  access_log ${root}/logs/access.log probe;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    location /files/ {${cors}
    }
    location /gzip/ {
      gzip_static always;${cors}
    }
    location /norange/ {
      alias ${root}/files/;
      max_ranges 0;${cors}
    }
    location = /__sync { return 204; }
  }
}
`;
}

async function waitUntilServing(origin: string, child: ChildProcess, stderr: () => string): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const response = await fetch(`${origin}/__sync?start`);
      await response.arrayBuffer();
      if (response.status === 204) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  throw new Error(`nginx did not start in 10 s: ${stderr()}`);
}

/** Starts nginx; `setup(root)` may add files under `root/files` and `root/gzip` first. */
export async function startNginx(setup?: (root: string) => void): Promise<Nginx> {
  const nginx = toolPath('nginx');
  const root = mkdtempSync(join(tmpdir(), 'portable-mmap-nginx-'));
  for (const dir of ['files', 'gzip', 'logs', 'tmp']) mkdirSync(join(root, dir));
  setup?.(root);
  const logPath = join(root, 'logs', 'access.log');
  for (let tries = 0; tries < 5; tries++) {
    const port = await freePort();
    writeFileSync(join(root, 'nginx.conf'), config(root, port));
    let output = '';
    const child = spawn(nginx, ['-p', root, '-c', join(root, 'nginx.conf'), '-e', join(root, 'logs', 'error.log')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const origin = `http://127.0.0.1:${port}`;
    if (!(await waitUntilServing(origin, child, () => output))) {
      if (/Address already in use/.test(output + readLog(join(root, 'logs', 'error.log')))) continue; // lost the port race
      rmSync(root, { recursive: true, force: true });
      throw new Error(`nginx exited at start: ${output}`);
    }
    return handle(root, origin, logPath, child);
  }
  throw new Error('nginx could not find a free port in 5 tries');
}

function readLog(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

function handle(root: string, origin: string, logPath: string, child: ChildProcess): Nginx {
  const lines = () => readLog(logPath).split('\n').filter((line) => line !== '');
  const parse = (from: number) =>
    lines()
      .slice(from)
      .map((line) => JSON.parse(line) as AccessEntry)
      .filter((entry) => entry.uri !== '/__sync');
  let syncCount = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    origin,
    root,
    url: (path) => `${origin}${path}`,
    file: (name) => join(root, 'files', name),
    mark: () => lines().length,
    async since(mark) {
      // nginx is one process and logs a request when it finishes sending it, before it
      // reads the next event; so once this marker is logged, so is every request the
      // client saw answered before it.
      const marker = `n=${++syncCount}`;
      await (await fetch(`${origin}/__sync?${marker}`)).arrayBuffer();
      const deadline = Date.now() + 5000;
      while (!readLog(logPath).includes(`"args":"${marker}"`)) {
        if (Date.now() > deadline) throw new Error('nginx did not log the sync marker');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return parse(mark);
    },
    async waitFor(mark, predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const entries = parse(mark);
        if (predicate(entries)) return entries;
        if (Date.now() > deadline) throw new Error(`the access log never matched; it has ${JSON.stringify(entries)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
