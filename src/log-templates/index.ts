// Log templates: masking, a Drain-style miner and the constant phrases of a
// template. A leaf module: pure, no I/O, no dependency on the rest of the project.
export { maskLine, WILDCARD } from './mask.js';
export { tokenize } from './tokens.js';
export { covers, generalize, similarityOf, TemplateMiner, type Template } from './miner.js';
export { constantRuns, containsPhrases, queryPhrases } from './phrases.js';
