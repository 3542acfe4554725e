import { createRequire as __bxgCreateRequire } from 'node:module';const require = __bxgCreateRequire(import.meta.url);
async function runVerify(_argv,io){return io.stderr(`verify: not built yet
`),2}export{runVerify};
