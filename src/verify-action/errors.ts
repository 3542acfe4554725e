/** A bad input: the action fails the step, the CLI exits 2. The message names the input. */
export class InputError extends Error {
  override name = 'InputError';
}
