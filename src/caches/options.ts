/** The options the built-in caches share, validated as args.ts validates a map's. */
import { checkInteger } from '../args.js';
import { invalidArgType, invalidArgValue } from '../errors.js';

/** `options.maxBytes`: a non-negative safe integer (0 stores nothing), else `fallback`. */
export function maxBytesOption(options: unknown, fallback: number): number {
  if (options === undefined) return fallback;
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  const { maxBytes } = options as { maxBytes?: unknown };
  return maxBytes === undefined ? fallback : checkInteger('options.maxBytes', maxBytes, 0);
}

/** A non-empty string naming a directory or a cache. */
export function nameArgument(name: string, value: unknown): string {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
  if (value === '') throw invalidArgValue(name, value, 'must not be empty');
  return value;
}
