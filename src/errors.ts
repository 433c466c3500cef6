/**
 * Every error thrown on purpose comes from a factory here, so each backend fails
 * with the same class, code and fields. Argument errors are plain TypeError /
 * RangeError objects with a `code`, like Node's own; everything else is an MmapError.
 */

/** Codes of the errors that are not OS errors; OS errors keep the OS's name (ENOENT, EACCES, …). */
export const ERROR_CODES = [
  'ERR_MMAP_CLOSED',
  'ERR_MMAP_READ_ONLY',
  'ERR_OUT_OF_RANGE',
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
  'ERR_MMAP_BACKEND_UNAVAILABLE',
  'ERR_MMAP_UNSTABLE_VIEW',
  'ERR_MMAP_NOT_LOADED',
  'ERR_MMAP_SOURCE_CHANGED',
  'ERR_MMAP_SOURCE_UNSUPPORTED',
  'ERR_MMAP_SOURCE_FAILED',
  'ERR_MMAP_NO_MEMORY',
  'ERR_MMAP_TRUNCATED',
] as const;

export type MmapErrorCode = (typeof ERROR_CODES)[number] | (string & {});
export type Permission = 'read' | 'write' | 'env' | 'ffi' | 'net';
export type UnsupportedReason = 'no-range' | 'content-encoding' | 'no-length';

export interface MmapErrorFields {
  path?: string;
  syscall?: string;
  errno?: number;
  reason?: string;
  status?: number;
  url?: string;
  permission?: Permission;
  cause?: unknown;
}

/** An error of portable-mmap that is not an argument error; `code` is the stable contract. */
export class MmapError extends Error {
  readonly code: MmapErrorCode;
  path?: string;
  syscall?: string;
  errno?: number;
  reason?: string;
  status?: number;
  url?: string;
  permission?: Permission;

  constructor(code: MmapErrorCode, message: string, fields: MmapErrorFields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.code = code;
    for (const key of ['path', 'syscall', 'errno', 'reason', 'status', 'url', 'permission'] as const) {
      if (fields[key] !== undefined) (this as Record<string, unknown>)[key] = fields[key];
    }
  }

  override get name(): string {
    return 'MmapError';
  }
}

function withCode<E extends Error>(error: E, code: string): E & { code: string } {
  return Object.assign(error, { code });
}

/** Node's rendering of a received value in argument errors. */
function describeReceived(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `function ${value.name || '<anonymous>'}`;
  if (typeof value === 'object') {
    const ctor = (value as object).constructor?.name;
    return ctor ? `an instance of ${ctor}` : 'an object';
  }
  let shown = typeof value === 'string' ? `'${value.length > 25 ? `${value.slice(0, 25)}...` : value}'` : String(value);
  if (typeof value === 'bigint') shown += 'n';
  return `type ${typeof value} (${shown})`;
}

function formatNumber(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}

export function invalidArgType(name: string, expected: string, value: unknown): TypeError & { code: string } {
  return withCode(
    new TypeError(`The "${name}" argument must be ${expected}. Received ${describeReceived(value)}`),
    'ERR_INVALID_ARG_TYPE',
  );
}

/** `rule` is the allowed strings, or Node's wording of the rule broken ("must not be empty"). */
export function invalidArgValue(name: string, value: unknown, rule?: readonly string[] | string): TypeError & { code: string } {
  const must = typeof rule === 'string' ? ` ${rule}.`
    : rule ? ` must be one of: ${rule.map((a) => `'${a}'`).join(', ')}.` : ' is invalid.';
  return withCode(
    new TypeError(`The argument '${name}'${must} Received ${formatNumber(value)}`),
    'ERR_INVALID_ARG_VALUE',
  );
}

/** `range` is Node's wording, e.g. ">= 0 && <= 4096" or "an integer". */
export function outOfRange(name: string, value: unknown, range: string): RangeError & { code: string } {
  return withCode(
    new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${formatNumber(value)}`),
    'ERR_OUT_OF_RANGE',
  );
}

export function closed(): MmapError {
  return new MmapError('ERR_MMAP_CLOSED', 'The map is closed');
}

export function readOnly(what: string): MmapError {
  return new MmapError('ERR_MMAP_READ_ONLY', `${what} needs a writable map or source`);
}

export function backendUnavailable(backend: string, reason: string): MmapError {
  return new MmapError('ERR_MMAP_BACKEND_UNAVAILABLE', `The ${backend} backend is unavailable: ${reason}`, { reason });
}

/** A built-in PageCache this runtime cannot host (fileCache without node:fs, opfsCache without OPFS, …). */
export function cacheUnavailable(cache: string, reason: string): MmapError {
  return new MmapError('ERR_MMAP_BACKEND_UNAVAILABLE', `${cache} is unavailable here: ${reason}`, { reason });
}

export function unstableView(): MmapError {
  return new MmapError(
    'ERR_MMAP_UNSTABLE_VIEW',
    'view() is unavailable: this map is larger than maxResident, so its pages can be evicted; use read() or readInto()',
  );
}

export function notLoaded(offset: number, length: number): MmapError {
  return new MmapError('ERR_MMAP_NOT_LOADED', `Bytes ${offset}..${offset + length} are not loaded; await map.load() first`);
}

export function noMemory(message: string): MmapError {
  return new MmapError('ERR_MMAP_NO_MEMORY', message);
}

/** The mapped file shrank under the map (another process or descriptor truncated it). */
export function truncated(): MmapError {
  return new MmapError('ERR_MMAP_TRUNCATED', 'The mapped file shrank under the map; open it again');
}

/** Whether `error` is the library's truncation error (close() swallows it). */
export function isTruncated(error: unknown): boolean {
  return error instanceof MmapError && error.code === 'ERR_MMAP_TRUNCATED';
}

export function sourceChanged(url: string | undefined, detail: string): MmapError {
  return new MmapError('ERR_MMAP_SOURCE_CHANGED', `The source changed while mapped: ${detail}`, { url });
}

export function sourceUnsupported(reason: UnsupportedReason, message: string, url?: string): MmapError {
  return new MmapError('ERR_MMAP_SOURCE_UNSUPPORTED', message, { reason, url });
}

export function sourceFailed(message: string, fields: { status?: number; url?: string; cause?: unknown }): MmapError {
  return new MmapError('ERR_MMAP_SOURCE_FAILED', message, fields);
}

/**
 * The rejection of a call cancelled through an AbortSignal: the signal's reason when it
 * is an AbortError already, else a DOMException named 'AbortError' whose `cause` is the
 * reason (so `AbortSignal.timeout()` and custom reasons still reject with that name).
 */
export function aborted(reason?: unknown): Error {
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const error = new DOMException('The operation was aborted', 'AbortError');
  if (reason !== undefined) Object.defineProperty(error, 'cause', { value: reason, configurable: true, writable: true });
  return error;
}

/** A runtime's refusal (Deno without --allow-read, …), reported as EACCES with the permission named. */
export function permissionDenied(permission: Permission, message: string, path?: string): MmapError {
  return new MmapError('EACCES', message, { permission, path, syscall: 'open' });
}

/** An OS failure as Node's fs reports it: `ENOENT: no such file or directory, open 'x'`. */
export interface SystemFailure {
  code: string;
  errno?: number;
  syscall: string;
  path?: string;
  message?: string;
}

export function fromSystem(failure: SystemFailure): MmapError {
  const detail = failure.message ?? failure.code;
  const where = failure.path === undefined ? failure.syscall : `${failure.syscall} '${failure.path}'`;
  return new MmapError(failure.code, `${failure.code}: ${detail}, ${where}`, {
    errno: failure.errno,
    syscall: failure.syscall,
    path: failure.path,
  });
}

/** Turns an error thrown by node:fs (or anything like it) into an MmapError; others pass through. */
export function fromFsError(error: unknown, path?: string): unknown {
  if (error instanceof MmapError) return error;
  const e = error as { code?: unknown; errno?: unknown; syscall?: unknown; path?: unknown; message?: unknown };
  if (e && typeof e === 'object' && typeof e.code === 'string' && /^E[A-Z0-9]+$/.test(e.code)) {
    const message = typeof e.message === 'string' ? e.message.replace(/^E[A-Z0-9]+: /, '').replace(/, \w+( '.*')?$/, '') : undefined;
    return fromSystem({
      code: e.code,
      errno: typeof e.errno === 'number' ? e.errno : undefined,
      syscall: typeof e.syscall === 'string' ? e.syscall : 'open',
      path: typeof e.path === 'string' ? e.path : path,
      message,
    });
  }
  return error;
}
