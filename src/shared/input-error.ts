/**
 * A bad input: the action fails the step, the CLI exits 2. `input` names what
 * was wrong (an action input, or a CLI option such as `--interval`), `detail`
 * says what was expected; the message reads `input: detail`.
 */
export class InputError extends Error {
  override name = 'InputError';

  constructor(
    readonly input: string,
    readonly detail: string,
  ) {
    super(`${input}: ${detail}`);
  }
}
