import { describe, expect, it } from '@jest/globals';
import { detach } from '../../src/engine/detach.js';

describe('detach', () => {
  const chunk = `#1 [internal] load build definition from Dockerfile\n${'x'.repeat(256 * 1024)}\n`;

  it.each([
    ['a short name', chunk.slice(3, 13)],
    ['a name at the copy threshold', chunk.slice(3, 16)],
    ['a long slice of a large chunk', chunk.slice(3, 60)],
    ['the empty string', ''],
    ['text beyond ASCII', 'RUN echo "héllo ✓ 🐳"'],
  ])('%s comes back as the same text', (_what, text) => {
    const copy = detach(text);
    expect(copy).toBe(text);
    expect(copy.length).toBe(text.length);
  });
});
