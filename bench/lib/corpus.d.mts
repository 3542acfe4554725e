// Types of corpus.mjs, for the tests that share its choice of systems.
export declare const SYSTEMS: readonly string[];
export declare const TUNED: readonly string[];
export declare const HELD_OUT: readonly string[];
export declare function readCorpus(
  dir: string,
): Promise<Record<string, { template: string; pattern: string; message: string }[]> | null>;
export declare function loadTemplatesLibrary(outDir: string, root?: string): Promise<Record<string, unknown>>;
