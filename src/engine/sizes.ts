// Byte counts as buildx prints them. Current buildx formats with tonistiigi/units `%.2f`
// (decimal: kB = 1000, MB = 1000^2, `62.93MB`, and plain bytes as `359B`); buildx <= 0.5 used
// go-units HumanSize (`%.4g`, also decimal). Binary units (KiB, MiB) are accepted too.

const SIZE = /^(\d+(?:\.\d+)?)\s?([kKMGTPE]?)(i?)B$/;
const POWERS: Record<string, number> = { '': 0, k: 1, K: 1, M: 2, G: 3, T: 4, P: 5, E: 6 };

/** Bytes for a printed size such as `62.93MB`, `2B`, `1.5KiB`; null when it is not a size. */
export function parseByteSize(text: string): number | null {
  const match = SIZE.exec(text);
  if (match === null) return null;
  const base = match[3] === 'i' ? 1024 : 1000;
  return Math.round(Number(match[1]) * base ** (POWERS[match[2]!] ?? 0));
}
