// A list input that holds nothing but blanks or separators. Unset ('') and a value of line breaks
// only (what an expression that came out empty leaves in a `|` block, `tags: |\n ${{ x }}`) mean
// "not given", as docker/build-push-action reads them. Spaces, or separators with no item between
// them (`,`, `""`), are a mistake (an unset variable, a stray comma): taking the default for them
// would hide it, so they are refused with the reason.

/** Why `raw` cannot be a list of `itemCount` items, or null when it is fine (or not given). */
export function blankListProblem(raw: string, itemCount: number): string | null {
  if (/^[\r\n]*$/.test(raw)) return null;
  if (raw.trim() === '') {
    return 'is only whitespace: leave it out (or empty) for the default, or give at least one item';
  }
  if (itemCount === 0) return `has no items in '${raw.trim()}': give at least one, or leave it out`;
  return null;
}

/** Items made of more than separators, quotes and blanks (`" "`, `,` or `""` alone are not). */
export function itemsWithContent(items: readonly string[]): number {
  return items.filter((item) => /[^\s,"']/.test(item)).length;
}
