/**
 * Which JavaScript runtime this is, from its globals. Order matters: Bun, Deno
 * and workerd all set process.versions.node, so they are recognised first.
 */
import type { RuntimeName } from './types.js';

interface RuntimeGlobals {
  Deno?: {
    version?: { deno?: string };
    env?: { get(name: string): string | undefined };
    permissions?: { querySync?(descriptor: { name: string; variable?: string; path?: string }): { state: string } };
  };
  Bun?: unknown;
  EdgeRuntime?: unknown;
  WorkerGlobalScope?: unknown;
  window?: unknown;
  navigator?: { userAgent?: string };
  process?: {
    versions?: Record<string, string | undefined>;
    release?: { name?: string };
    env?: Record<string, string | undefined>;
    getBuiltinModule?: (id: string) => unknown;
  };
}

export const runtimeGlobals = globalThis as unknown as RuntimeGlobals;

export function runtimeName(g: RuntimeGlobals = runtimeGlobals): RuntimeName {
  if (g.Deno?.version?.deno) return 'deno';
  if (typeof g.Bun === 'object' || g.process?.versions?.bun) return 'bun';
  if (g.navigator?.userAgent === 'Cloudflare-Workers') return 'workerd';
  if (typeof g.EdgeRuntime === 'string') return 'edge-light';
  if (g.process?.release?.name === 'node') return 'node';
  if (typeof g.window === 'object' || typeof g.WorkerGlobalScope === 'function') return 'browser';
  return 'unknown';
}

/**
 * An environment variable, where the runtime has them. On Deno the permission is
 * queried first, so reading never prompts; without --allow-env it reads as unset.
 */
export function readEnv(name: string, g: RuntimeGlobals = runtimeGlobals): string | undefined {
  const deno = g.Deno;
  if (deno?.version?.deno) {
    const state = deno.permissions?.querySync?.({ name: 'env', variable: name }).state;
    return state === 'granted' ? deno.env?.get(name) : undefined;
  }
  try {
    return g.process?.env?.[name];
  } catch {
    return undefined;
  }
}

/** A Node built-in (`node:fs`, `node:module`, …) without a static import, or undefined. */
export function builtin<T>(id: string): T | undefined {
  try {
    return runtimeGlobals.process?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}
