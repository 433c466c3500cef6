/**
 * Targets that are not files of bytes (issue 16 row 12): character devices and the
 * files of kernel pseudo file systems (/proc, /sys) are ENODEV on both backends, as
 * pipes and sockets already were, by path and by descriptor, leaving no descriptor
 * behind. Linux paths: elsewhere the group is skipped and its title says why.
 * Failed before the fix: the wasm backend mapped /dev/zero (0 bytes), a sysfs file
 * (4096 bytes of "size") and procfs files (0 bytes), and native mapped procfs files.
 */
import { closeSync, existsSync, openSync } from 'node:fs';
import { openMap } from '../../src/entries/node.js';
import type { MapOptions } from '../../src/types.js';
import { openFdCount } from '../helpers/native-build.js';

const targets = ['/dev/zero', '/dev/null', '/sys/kernel/mm/transparent_hugepage/enabled', '/proc/self/status', '/proc/meminfo'].filter(existsSync);
const onLinux = process.platform === 'linux' && targets.length === 5;
const group = onLinux ? describe : describe.skip;
const backends: [string, MapOptions][] = [['native', { backend: 'native' }], ['wasm', { backend: 'wasm' }]];

const codeOf = (call: () => unknown): string => {
  try {
    const map = call() as { close(): void };
    map.close();
    return 'opened';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
};

group(onLinux ? 'devices and pseudo files' : 'devices and pseudo files — skipped: needs Linux and its /dev, /proc, /sys', () => {
  it.each(backends)('%s: refuses each by path and by descriptor with ENODEV', (_, options) => {
    const before = openFdCount();
    const byPath = targets.map((target) => [target, codeOf(() => openMap(target, options))]);
    const byFd = targets.map((target) => {
      const fd = openSync(target, 'r');
      try {
        return [target, codeOf(() => openMap(fd, options))];
      } finally {
        closeSync(fd);
      }
    });
    expect(byPath).toEqual(targets.map((target) => [target, 'ENODEV']));
    expect(byFd).toEqual(targets.map((target) => [target, 'ENODEV']));
    expect(openFdCount()).toBe(before);
  });
});
