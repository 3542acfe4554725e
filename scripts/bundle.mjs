// Bundles the two actions and the CLI into dist/. One esbuild pass with code
// splitting, so each entry loads only the modules it uses: the build action
// never loads the Elasticsearch client or Octokit. Output is deterministic for
// a given lockfile, which lets CI compare the rebuilt dist/ with the committed one.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

await rm('dist', { recursive: true, force: true });

const result = await build({
  entryPoints: {
    'build/index': 'src/build-action/index.ts',
    'verify/index': 'src/verify-action/index.ts',
    cli: 'src/cli.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  minifySyntax: true,
  minifyWhitespace: true,
  keepNames: false,
  metafile: true,
  logLevel: 'warning',
  // Some bundled dependencies are CommonJS and call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __bxgCreateRequire } from 'node:module';const require = __bxgCreateRequire(import.meta.url);",
  },
});

for (const [file, out] of Object.entries(result.metafile.outputs)) {
  if (!file.endsWith('.map')) console.log(`${file}\t${(out.bytes / 1024).toFixed(1)} KiB`);
}
