export * from "./config-types.js";
export { ConfigError, configSchema, formatProblem, formatProblems, loadConfigFile, loadDefaultConfig, parseConfig } from "./load-config.js";
export type { Env } from "./load-config.js";
