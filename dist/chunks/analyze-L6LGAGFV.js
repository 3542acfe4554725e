import { createRequire as __bxgCreateRequire } from 'node:module';const require = __bxgCreateRequire(import.meta.url);
import{BuildLogAnalyzer,renderReportText}from"./chunk-D4YMISIL.js";import"./chunk-NEXITSJE.js";import"./chunk-3U5YXI2F.js";import{createReadStream}from"node:fs";import{stat}from"node:fs/promises";import{resolve}from"node:path";var UsageError=class extends Error{name="UsageError"};var ANALYZE_USAGE=`usage: buildx-gate analyze [FILE|-] [--json]

Reads a docker buildx / BuildKit log (--progress=plain, rawjson or the tty display, also as
downloaded from a CI job with timestamps) and prints a build report: steps, cache hits,
durations, build context size, the error with its cause and a hint, and warnings.

  FILE         the log to read; '-' or no FILE reads standard input
  --json       print the report as one JSON document
  -h, --help   this help

exit status: 0 when the log was analysed (whatever the build's outcome), 2 when it could not be read.`,READ_CHUNK_BYTES=256*1024;function parseAnalyzeArgs(argv){let args={file:null,json:!1,help:!1},onlyFiles=!1;for(let arg of argv)if(!onlyFiles&&arg==="--")onlyFiles=!0;else if(!onlyFiles&&arg==="--json")args.json=!0;else if(!onlyFiles&&(arg==="-h"||arg==="--help"))args.help=!0;else{if(!onlyFiles&&arg.startsWith("-")&&arg!=="-")throw new UsageError(`unknown option '${arg}'`);if(args.file!==null)throw new UsageError(`expected one log file, got '${args.file}' and '${arg}'`);args.file=arg}return args}async function runAnalyze(argv,io){let args;try{args=parseAnalyzeArgs(argv)}catch(error){return io.stderr(`buildx-gate analyze: ${error.message}
${ANALYZE_USAGE}
`),2}if(args.help)return io.stdout(`${ANALYZE_USAGE}
`),0;let fromStdin=args.file===null||args.file==="-",label=fromStdin?"standard input":`'${args.file}'`,analyzer=new BuildLogAnalyzer;try{let input=fromStdin?io.stdin:await openLog(resolve(io.cwd,args.file));for await(let chunk of input)analyzer.write(chunk)}catch(error){return io.stderr(`buildx-gate analyze: cannot read ${label}: ${describeReadError(error)}
`),2}let report=analyzer.end();return io.stdout(args.json?`${JSON.stringify(report,null,2)}
`:renderReportText(report)),0}async function openLog(path){if((await stat(path)).isDirectory())throw Object.assign(new Error("it is a directory, expected a log file"),{code:"EISDIR"});return createReadStream(path,{highWaterMark:READ_CHUNK_BYTES})}function describeReadError(error){switch(error?.code){case"ENOENT":return"no such file";case"EACCES":case"EPERM":return"permission denied";case"EISDIR":return"it is a directory, expected a log file";default:return error instanceof Error?error.message:String(error)}}export{ANALYZE_USAGE,parseAnalyzeArgs,runAnalyze};
