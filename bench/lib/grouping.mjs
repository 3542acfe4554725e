// How well a miner groups lines, against ground-truth template ids: Loghub's measures.

/**
 * The predicted groups and which of them are correct: a predicted group is correct when its lines
 * are exactly one true group's lines (the same test for GA and FGA, Loghub-2.0's evaluator).
 */
function judgeGroups(truth, predicted) {
  const byPredicted = new Map();
  predicted.forEach((p, i) => (byPredicted.get(p) ?? byPredicted.set(p, []).get(p)).push(i));
  const truthSize = new Map();
  for (const t of truth) truthSize.set(t, (truthSize.get(t) ?? 0) + 1);
  const groups = [...byPredicted.values()].map((lines) => {
    const kinds = new Set(lines.map((i) => truth[i]));
    return {
      lines: lines.length,
      correct: kinds.size === 1 && truthSize.get(truth[lines[0]]) === lines.length,
    };
  });
  return { groups, trueGroups: truthSize.size };
}

/**
 * Loghub's grouping measures of one system (Zhu et al. 2019 for GA; Jiang et al. 2024, "A
 * Large-scale Evaluation for Log Parsing Techniques: How Far are We?", for FGA):
 * - ga: the share of lines whose predicted group is correct (dominated by the frequent kinds);
 * - fga: the F1 of grouping accuracy, the harmonic mean of pga (correct groups / predicted groups)
 *   and rga (correct groups / true groups), so each kind counts once however many lines it has;
 * - found: predicted groups / true template ids (above 1: kinds split; below 1: kinds merged).
 */
export function groupingScores(truth, predicted) {
  const { groups, trueGroups } = judgeGroups(truth, predicted);
  const correct = groups.filter((g) => g.correct);
  const pga = correct.length / groups.length;
  const rga = correct.length / trueGroups;
  return {
    ga: correct.reduce((n, g) => n + g.lines, 0) / truth.length,
    pga,
    rga,
    fga: pga + rga === 0 ? 0 : (2 * pga * rga) / (pga + rga),
    found: groups.length / trueGroups,
  };
}

/**
 * Each line's group under a miner of a bundled tree (loadTemplatesLibrary): the template it joined,
 * as the miner's final templates() say. A final template stands for its own id and the `members`
 * merged into it at the end (the newer miner lists them; an older one has none). A line whose
 * template is not among them keeps its template's final text, joined to a final template with the
 * same text: the older miner merges templates that ended equal by text without naming them.
 */
export function minerGroups(lib, messages) {
  const miner = new lib.TemplateMiner();
  const joined = messages.map((m) => miner.add(m));
  const byId = new Map();
  const byText = new Map();
  for (const t of miner.templates()) {
    const key = `id:${t.id}`;
    for (const id of [t.id, ...(t.members ?? [])]) byId.set(id, key);
    if (!byText.has(t.tokens.join(' '))) byText.set(t.tokens.join(' '), key);
  }
  return joined.map((t) => {
    const text = t.tokens.join(' ');
    return byId.get(t.id) ?? byText.get(text) ?? `text:${text}`;
  });
}
