// A Drain-style template miner (He et al., "Drain: An Online Log Parsing Approach
// with Fixed Depth Tree", ICWS 2017). Lines are masked and split into tokens; a
// fixed-depth tree routes a line by its token count and first tokens to a small
// list of templates; the most similar template above a threshold takes the line,
// and positions where they differ become the wildcard. Deterministic (no
// randomness, insertion order only) and bounded: at most `maxTemplates` templates,
// the least recently used one dropping out when a new one would exceed the cap.
import { WILDCARD } from './mask.js';
import { mergeTemplates } from './merge.js';
import type { Template } from './template.js';

export type { Template } from './template.js';
import { tokenize } from './tokens.js';

export interface MinerOptions {
  /** Tree depth counting the root, the length layer and the leaf (Drain's depth: 4 routes on the first token, 5 on two). */
  depth?: number;
  /** Share of positions that must agree for a line to join a template. */
  similarity?: number;
  /** Children per tree node before new tokens are routed to the wildcard branch. */
  maxChildren?: number;
  /** Templates kept at most (memory bound); the least recently matched one is dropped. */
  maxTemplates?: number;
  /** Tokens per line at most; a longer line's tail becomes one wildcard. */
  maxTokens?: number;
}

interface Node {
  children: Map<string, Node>;
  templates: Template[];
}

const DEFAULTS: Required<MinerOptions> = {
  depth: 5,
  similarity: 0.5,
  maxChildren: 100,
  maxTemplates: 1000,
  maxTokens: 200,
};

export class TemplateMiner {
  readonly options: Required<MinerOptions>;
  private readonly root: Node = { children: new Map(), templates: [] };
  /** Live templates in least-recently-used order (Map keeps insertion order; a hit re-inserts). */
  private readonly live = new Map<number, { template: Template; leaf: Node }>();
  private nextId = 1;
  private lines = 0;
  evicted = 0;

  constructor(options: MinerOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
    if (this.options.depth < 3) throw new RangeError('depth: at least 3 (root, length, one token)');
    if (!(this.options.similarity > 0 && this.options.similarity <= 1))
      throw new RangeError('similarity: in (0, 1]');
    if (this.options.maxTemplates < 1) throw new RangeError('maxTemplates: at least 1');
  }

  /** Adds one line; returns the template it joined (or started). */
  add(line: string, label = ''): Template {
    const tokens = tokenize(line, this.options.maxTokens);
    const leaf = this.leafFor(tokens);
    let template = this.bestMatch(leaf.templates, tokens);
    if (template) {
      template.tokens = generalize(template.tokens, tokens);
      this.live.delete(template.id);
    } else {
      template = {
        id: this.nextId++,
        tokens,
        count: 0,
        counts: new Map(),
        examples: new Map(),
        firstSeen: new Map(),
      };
      leaf.templates.push(template);
      if (this.live.size >= this.options.maxTemplates) this.evictOldest();
    }
    this.live.set(template.id, { template, leaf });
    template.count++;
    template.counts.set(label, (template.counts.get(label) ?? 0) + 1);
    if (!template.examples.has(label)) {
      template.examples.set(label, line);
      template.firstSeen.set(label, this.lines);
    }
    this.lines++;
    return template;
  }

  /**
   * The templates, most lines first. Templates that ended equal in different
   * branches (a routing token generalized after both were made) are merged, so
   * one kind is one template.
   */
  templates(): (Template & { members: number[] })[] {
    return mergeTemplates([...this.live.values()].map((entry) => entry.template));
  }

  get size(): number {
    return this.live.size;
  }

  private evictOldest(): void {
    const [id, entry] = this.live.entries().next().value as [number, { template: Template; leaf: Node }];
    this.live.delete(id);
    entry.leaf.templates = entry.leaf.templates.filter((t) => t.id !== id);
    this.evicted++;
  }

  private routingTokens(tokens: readonly string[]): string[] {
    return [String(tokens.length), ...tokens.slice(0, Math.min(tokens.length, this.options.depth - 3))];
  }

  /** The leaf for a line, creating the path (Drain's addSeqToPrefixTree). */
  private leafFor(tokens: readonly string[]): Node {
    const [length, ...route] = this.routingTokens(tokens);
    let node = child(this.root, length!);
    for (const token of route) {
      const existing = node.children.get(token);
      if (existing) {
        node = existing;
        continue;
      }
      const wildcard = node.children.get(WILDCARD);
      if (token === WILDCARD) node = child(node, WILDCARD);
      else if (wildcard) node = node.children.size < this.options.maxChildren ? child(node, token) : wildcard;
      else if (node.children.size + 1 < this.options.maxChildren) node = child(node, token);
      else node = child(node, WILDCARD);
    }
    return node;
  }

  /** The most similar template at or above the threshold; ties go to the one with more wildcards. */
  private bestMatch(templates: readonly Template[], tokens: readonly string[]): Template | null {
    let best: Template | null = null;
    let bestSimilarity = -1;
    let bestWildcards = -1;
    for (const template of templates) {
      const [similarity, wildcards] = similarityOf(template.tokens, tokens);
      if (similarity > bestSimilarity || (similarity === bestSimilarity && wildcards > bestWildcards)) {
        best = template;
        bestSimilarity = similarity;
        bestWildcards = wildcards;
      }
    }
    return best && bestSimilarity >= this.options.similarity ? best : null;
  }
}

function child(node: Node, token: string): Node {
  let next = node.children.get(token);
  if (!next) {
    next = { children: new Map(), templates: [] };
    node.children.set(token, next);
  }
  return next;
}

/**
 * Share of positions where the template and the line agree, and the template's
 * wildcard count. A wildcard meeting a masked token agrees (both are variable by
 * construction); a wildcard meeting a word neither agrees nor disagrees in Drain,
 * and here counts as half, so one generalized position does not swallow a kind.
 */
export function similarityOf(template: readonly string[], tokens: readonly string[]): [number, number] {
  if (template.length !== tokens.length) return [0, 0];
  if (template.length === 0) return [1, 0];
  let same = 0;
  let wildcards = 0;
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    if (t === WILDCARD) {
      wildcards++;
      same += tokens[i] === WILDCARD ? 1 : 0.5;
    } else if (t === tokens[i]) same++;
  }
  return [same / template.length, wildcards];
}

/** The template after a line joins it: positions that differ become the wildcard. */
export function generalize(template: readonly string[], tokens: readonly string[]): string[] {
  return template.map((t, i) => (t === tokens[i] ? t : WILDCARD));
}

/** Whether a template covers a line: same token count, every constant position equal. */
export function covers(template: readonly string[], line: string, maxTokens = DEFAULTS.maxTokens): boolean {
  const tokens = tokenize(line, maxTokens);
  return template.length === tokens.length && template.every((t, i) => t === WILDCARD || t === tokens[i]);
}
