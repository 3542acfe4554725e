// Starts an empty tally for this run of the hardening suite (see tally.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export default function setup() {
  const file = path.join(import.meta.dirname, '..', '..', '.tmp', 'hardening-tally.jsonl');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '');
}
