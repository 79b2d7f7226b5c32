// src/config owns maglev.yaml: parsing with positions, the schema, the semantic rules, the
// normalised MaglevConfig the daemon reads, and the JSON Schema for editors. Every problem is
// reported at once, each with file:line:col.

export { parseConfig } from './parse.js';
export { loadConfigFile, checkConfig, type CheckResult } from './load.js';
export { loadConfigFileIsolated } from './load-isolated.js';
export { warmConfigParser, warmupConfigText, type ParserWarmupResult } from './warm-up.js';
export {
  formatProblem,
  formatWarning,
  type ConfigProblem,
  type ConfigParseResult,
  type ConfigErrorKind,
} from './problem.js';
export { configJsonSchema } from './json-schema.js';
export { parseGoDuration, formatGoDuration, type DurationParse } from './duration.js';
export { NAME_PATTERN, NAME_RULE, isValidName } from './names.js';
export { DEFAULTS, LIMITS } from './defaults.js';
export type * from './types.js';
export { announcesFrontend } from './announce.js';
