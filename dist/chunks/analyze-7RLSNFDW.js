import { createRequire as __bxgCreateRequire } from 'node:module';const require = __bxgCreateRequire(import.meta.url);
async function runAnalyze(_argv,io){return io.stderr(`analyze: not built yet
`),2}export{runAnalyze};
