// The in-memory file system the build action's tests pass as its ActionFS
// (src/build-action/ports.ts): files are a map from path to text and the mode it was written
// with, and every removal is recorded. It replaces the four copies main.test.ts,
// main-history.test.ts, post/post.test.ts and hardening/inputs.htest.ts each wrote.
//
// Where the copies differed, both ways are kept:
// - remove() deletes the file and records the path; with `keepRemoved` it only records it, as
//   post.test.ts's fake did (none of its tests depends on that today).
// - the files can be read as the map (`files`), as a snapshot of path -> text (`texts()`, what
//   main-history.test.ts returned) or as a live plain object (`record()`, what post.test.ts's
//   tests read and seed).
// - hardening/inputs.htest.ts's fake forgot what was written; an empty MemoryFS keeps it (that
//   suite judges only the first failure and whether buildx started).
// makeTempDir() always gives the one directory, `tempDir`.
import type { ActionFS } from '../../src/build-action/ports.js';

export interface MemoryFSOptions {
  /** What makeTempDir() returns: '/tmp/bg-1' unless given. */
  tempDir?: string;
  /** remove() records the path and leaves the file in place. */
  keepRemoved?: boolean;
}

export class MemoryFS implements ActionFS {
  readonly files = new Map<string, { text: string; mode?: number }>();
  /** Every path remove() was given, in order. */
  readonly removed: string[] = [];

  constructor(
    initial: Record<string, string> = {},
    private readonly options: MemoryFSOptions = {},
  ) {
    for (const [p, text] of Object.entries(initial)) this.files.set(p, { text });
  }

  readText = async (p: string) => this.files.get(p)?.text ?? null;
  exists = async (p: string) => this.files.has(p);
  writeText = async (p: string, text: string, mode?: number) => void this.files.set(p, { text, mode });
  makeTempDir = async () => this.options.tempDir ?? '/tmp/bg-1';
  remove = async (p: string) => {
    if (!this.options.keepRemoved) this.files.delete(p);
    this.removed.push(p);
  };

  /** The files now, path -> text. */
  texts(): Map<string, string> {
    return new Map([...this.files].map(([p, file]) => [p, file.text]));
  }

  /** The files as a live plain object, path -> text: setting a key writes a file. */
  record(): Record<string, string> {
    const files = this.files;
    const text = (p: string | symbol) => (typeof p === 'string' ? files.get(p)?.text : undefined);
    return new Proxy({} as Record<string, string>, {
      get: (_target, p) => text(p),
      set: (_target, p, value) => typeof p === 'string' && (files.set(p, { text: String(value) }), true),
      has: (_target, p) => text(p) !== undefined,
      deleteProperty: (_target, p) => typeof p === 'string' && (files.delete(p), true),
      ownKeys: () => [...files.keys()],
      getOwnPropertyDescriptor: (_target, p) => {
        const value = text(p);
        return value === undefined
          ? undefined
          : { value, writable: true, enumerable: true, configurable: true };
      },
    });
  }
}
