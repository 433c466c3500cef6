/** Runs the bad-call table under jest for one backend's options. */
import { asyncRows, fileUnchanged, makeContext, openFds, rows } from './table.js';
import type { MapOptions } from '../../src/types.js';

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown })?.code;
}

export function runBadCalls(name: string, options: MapOptions): void {
  describe(`bad calls (${name})`, () => {
    let context: ReturnType<typeof makeContext>;
    beforeAll(() => {
      context = makeContext(options);
    });
    afterAll(() => context.cleanup());

    test(`the table has at least 60 rows (${rows.length + asyncRows.length})`, () => {
      expect(rows.length + asyncRows.length).toBeGreaterThanOrEqual(60);
    });

    test.each(rows)('%s', (_title, call, code) => {
      const before = openFds();
      let thrown: unknown;
      let returned: unknown;
      try {
        returned = call(context);
      } catch (error) {
        thrown = error;
      }
      expect({ code: codeOf(thrown), returned: thrown === undefined ? returned : undefined }).toEqual({ code, returned: undefined });
      if (code.startsWith('ERR_') && code !== 'ERR_MMAP_READ_ONLY' && code !== 'ERR_MMAP_CLOSED') {
        expect(thrown).toBeInstanceOf(code === 'ERR_OUT_OF_RANGE' ? RangeError : TypeError);
      } else {
        expect((thrown as Error).name).toBe('MmapError');
      }
      expect(openFds()).toEqual(before);
      expect(fileUnchanged(context)).toBe(true);
    });

    test.each(asyncRows)('%s rejects', async (_title, call, code) => {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = call(context);
      }).not.toThrow();
      await expect(promise).rejects.toMatchObject({ code });
    });
  });
}
