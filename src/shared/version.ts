// The version of buildx-gate (the CLI's --version, the reports). Its one source is package.json:
// scripts/bundle.mjs replaces BUILDX_GATE_VERSION with it when it bundles dist/ (esbuild `define`,
// see scripts/product-version.mjs), and jest.config.js sets it for the unit tests.
declare const BUILDX_GATE_VERSION: string;

export const PRODUCT_VERSION: string = BUILDX_GATE_VERSION;
