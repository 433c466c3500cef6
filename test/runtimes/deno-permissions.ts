/** deno run … deno-permissions.ts FILE — what portable-mmap does under the permissions it was given. */
import { detectBackend, openMap } from 'portable-mmap';

declare const Deno: { args: string[] };

function attempt(fn: () => unknown): unknown {
  try {
    const value = fn();
    return value === undefined ? 'ok' : value;
  } catch (error) {
    const e = error as { code?: string; permission?: string; name?: string };
    return { code: e.code, permission: e.permission, name: e.name };
  }
}

const path = Deno.args[0];
console.log(
  'PORTABLE_MMAP_RESULT ' +
    JSON.stringify({
      detected: attempt(() => detectBackend()),
      read: attempt(() => openMap(path).close()),
      write: attempt(() => openMap(path, { access: 'write' }).close()),
    }),
);
