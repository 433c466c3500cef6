// Types of tools.mjs, for the TypeScript tests that import it.
export type ToolName = 'nginx' | 'chromium';
export declare const TOOLS: Record<ToolName, { env: string; system: string[]; commands: string[]; aptPackage: string; binary: string; versionArg: string }>;
export declare function cacheDir(): string;
export declare function manifestPath(): string;
export declare function systemBinary(name: ToolName): string | undefined;
export declare function fixCommand(name: ToolName): string;
/** The path of `name` for a test; throws one message naming what is missing and the fix. */
export declare function toolPath(name: ToolName): string;
