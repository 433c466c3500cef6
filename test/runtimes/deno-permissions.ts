/** deno run … deno-permissions.ts FILE — what portable-mmap does under the permissions it was given. */
import { detectBackend, openMap, openShared, unlinkShared } from 'portable-mmap';

declare const Deno: { args: string[]; pid: number };

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
      shared: attempt(() => {
        const name = `pm-deno-${Deno.pid}`;
        const map = openShared(name, { size: 16, create: true });
        map.write('deno', 0);
        const text = new TextDecoder().decode(openShared(name).read(0, 4));
        map.close();
        unlinkShared(name);
        return text;
      }),
    }),
);
