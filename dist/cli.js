#!/usr/bin/env node
import { createRequire as __bxgCreateRequire } from 'node:module';const require = __bxgCreateRequire(import.meta.url);
import"./chunks/chunk-3U5YXI2F.js";var PRODUCT_VERSION="1.0.0";var USAGE=`usage: buildx-gate <command> [options]

commands:
  analyze [FILE|-] [--format text|json|markdown] [--dockerfile PATH]
                              turn a buildx log (plain, rawjson or tty) into a build report
  verify [--name value ...]   gate a deploy on its Elasticsearch logs (see --help)

Run 'buildx-gate <command> --help' for a command's options; 'buildx-gate --version' prints the version.`;async function main(argv){let io={stdout:text=>process.stdout.write(text),stderr:text=>process.stderr.write(text),stdin:process.stdin,env:process.env,cwd:process.cwd()},[command,...rest]=argv;switch(command){case"analyze":return(await import("./chunks/analyze-ZOMDDAYV.js")).runAnalyze(rest,io);case"verify":return(await import("./chunks/verify-HHJYTMNC.js")).runVerify(rest,io);case"-V":case"--version":case"version":return io.stdout(`buildx-gate ${PRODUCT_VERSION}
`),0;case void 0:case"-h":case"--help":case"help":return io.stdout(`${USAGE}
`),command===void 0?2:0;default:return io.stderr(`buildx-gate: unknown command '${command}'
${USAGE}
`),2}}main(process.argv.slice(2)).then(code=>{process.exitCode=code},error=>{process.stderr.write(`buildx-gate: ${error instanceof Error?error.message:String(error)}
`),process.exitCode=2});
