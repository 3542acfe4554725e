// The buildx command as the job log shows it before the build, each argument quoted the way a
// shell would read it back. Display only: buildx is run from the argument vector (argv.ts).
/**
 * For showing the command in the log only; it is run as an argument vector,
 * never through a shell. An argument with a line break or control character
 * (a quoted CSV item may hold one) is shown in `$'…'` form, so no part of it
 * starts a log line the runner would read as a workflow command.
 */
export function shellQuote(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  const control = /[\u0000-\u001f\u007f-\u009f]/g;
  if (!control.test(arg)) return `'${arg.replace(/'/g, `'\\''`)}'`;
  const escaped = arg
    .replace(/[\\']/g, (c) => `\\${c}`)
    .replace(control, (c) => {
      const code = c.charCodeAt(0);
      return code < 0x80
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : `\\u${code.toString(16).padStart(4, '0')}`;
    });
  return `$'${escaped}'`;
}
