// The product's version has one source, package.json. scripts/bundle.mjs hands it to esbuild's
// `define`, so dist/ carries the version as a literal and reads no file at run time (and the bundle
// changes only when the version does, not when any other field of package.json does, as it would
// if the whole package.json were imported). jest.config.js sets the same global for the unit tests,
// which run src/ unbundled.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The identifier src/shared/version.ts declares and the bundler replaces. */
export const PRODUCT_VERSION_GLOBAL = 'BUILDX_GATE_VERSION';

/** The `version` field of the package.json at root. */
export function packageVersion(root = path.resolve(import.meta.dirname, '..')) {
  return JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
}

/** esbuild's `define` option that inlines the version. */
export function productVersionDefine(root) {
  return { [PRODUCT_VERSION_GLOBAL]: JSON.stringify(packageVersion(root)) };
}
