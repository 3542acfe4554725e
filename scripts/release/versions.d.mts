export interface Pin {
  file: string;
  ref: string;
}
export interface Places {
  version: string;
  changelog: string;
  pins: Pin[];
  tag?: string | null;
}
export function changelogReleases(text: string): {
  releases: { version: string; date: string | null }[];
  problems: string[];
};
export function pinsIn(file: string, text: string): Pin[];
/** Each disagreement between package.json's version and a place that names it; empty when all agree. */
export function disagreements(places: Places): string[];
export function readPlaces(root?: string): Places;
