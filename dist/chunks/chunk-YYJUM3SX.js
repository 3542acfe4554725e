import { createRequire as __bxgCreateRequire } from 'node:module';const require = __bxgCreateRequire(import.meta.url);
function table(header,align,rows){let rule=header.map((_,i)=>align[i]==="right"?"---:":"---");return[`| ${header.join(" | ")} |`,`| ${rule.join(" | ")} |`,...rows.map(r=>`| ${r.join(" | ")} |`)]}export{table};
