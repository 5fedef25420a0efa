/**
 * Loading the configuration: YAML text -> `${ENV}` substitution -> ajv (all errors, defaults) -> deep freeze.
 *
 * config/switchboard.schema.json is the single source of truth, defaults included; it and config/default.yaml
 * are read from `../../config/` beside this module, a path that holds both for src/config/load-config.ts (tsx)
 * and for dist/config/load-config.js (after `tsc -p tsconfig.build.json`).
 *
 * Every problem carries the line and column of its key or value in the YAML text, so the YAML is parsed into a
 * Document (with a LineCounter) rather than straight to plain data: ajv's instance paths are looked up in it.
 * All problems are reported at once, except that a document with YAML syntax errors is not validated: its data
 * would be a guess, and errors about a guess mislead.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parse as parseYaml, parseDocument, type Document } from "yaml";
import { GatewayError } from "../core/errors.js";
import type { ConfigProblem, SwitchboardConfig } from "./config-types.js";
import { crossCheck } from "./cross-checks.js";
import { hasEnvReference, substituteEnv, type Env } from "./env-substitution.js";
import { describeAjvError, formatProblems, joinPath, sortProblems, type SchemaNode, type UnplacedProblem } from "./problems.js";

export { formatProblem, formatProblems } from "./problems.js";
export type { Env } from "./env-substitution.js";

export const SCHEMA_URL = new URL("../../config/switchboard.schema.json", import.meta.url);
export const DEFAULT_CONFIG_URL = new URL("../../config/default.yaml", import.meta.url);

/** The configuration is invalid: `problems` lists everything wrong, `message` prints them one per line. */
export class ConfigError extends GatewayError {
  readonly source: string;
  readonly problems: readonly ConfigProblem[];

  constructor(source: string, problems: readonly ConfigProblem[], options: { readonly cause?: unknown } = {}) {
    super("GW_ERR_CONFIG", formatProblems(source, problems), options);
    this.name = "ConfigError";
    this.source = source;
    this.problems = Object.freeze(problems.map((problem) => Object.freeze({ ...problem })));
  }
}

interface Validator {
  readonly schema: SchemaNode;
  readonly validate: ValidateFunction<SwitchboardConfig>;
}

// Compiled on first use and kept: the schema file never changes while the process runs.
let validator: Validator | undefined;

function getValidator(): Validator {
  if (validator === undefined) {
    const schema = JSON.parse(readFileSync(SCHEMA_URL, "utf8")) as SchemaNode;
    // verbose: errors carry the failing value and the key's schema, from which messages are written.
    const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, verbose: true });
    validator = { schema, validate: ajv.compile<SwitchboardConfig>(schema) };
  }
  return validator;
}

/** The JSON Schema of the configuration, as read from config/switchboard.schema.json. */
export function configSchema(): SchemaNode {
  return getValidator().schema;
}

/**
 * Parses and validates configuration text. `source` names the text in problems (usually the file path).
 * Throws ConfigError listing every problem; returns a deep-frozen config with every default filled in.
 */
export function parseConfig(text: string, source: string, env: Env): SwitchboardConfig {
  const { schema, validate } = getValidator();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lines = text.split("\n");
  const place = (problem: UnplacedProblem): ConfigProblem => {
    const position = locate(doc, lineCounter, problem.segments, problem.atKey);
    return { path: joinPath(problem.segments), ...position, message: withCommentHint(problem.message, lines[(position.line ?? 0) - 1]) };
  };

  if (doc.errors.length > 0) {
    // The parser may describe one mistake twice at one place ("Nested mappings are not allowed..." and "Implicit
    // keys need to be on a single line"): the first says it.
    const first = doc.errors.filter((error, index) => doc.errors.findIndex((other) => other.pos[0] === error.pos[0]) === index);
    const problems = first.map((error) => syntaxProblem(error.code, error.message, lineCounter.linePos(error.pos[0])));
    throw new ConfigError(source, sortProblems(problems));
  }

  const substitution = substituteTree(doc, schema, env);
  // A broken structure has no data to validate: report it with any variable problems, and stop.
  if (substitution.broken) throw new ConfigError(source, sortProblems(substitution.problems.map(place)));
  let data: unknown;
  try {
    data = doc.toJS() ?? {};
  } catch (error: unknown) {
    // yaml refuses here what it can only judge while resolving, such as an alias bomb (too many aliases).
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(source, [{ path: "", message: `invalid YAML: ${reason}` }], { cause: error });
  }
  emptySectionsToDefaults(data, schema);

  const problems = substitution.problems.map(place);
  if (!validate(data)) {
    for (const error of validate.errors ?? []) {
      const problem = describeAjvError(error, substitution.tainted);
      // A value whose variable is unset was already reported as such; its type error would only repeat it.
      if (!substitution.unresolved.has(joinPath(problem.segments))) problems.push(place(problem));
    }
  }
  if (problems.length === 0) problems.push(...crossCheck(data as SwitchboardConfig).map(place));
  if (problems.length > 0) throw new ConfigError(source, sortProblems(problems));
  return deepFreeze(data as SwitchboardConfig);
}

/**
 * `channel: #dev` is a key with no value and a comment: say so where a value is missing and the line has a comment
 * right after its key, the usual way an IRC channel is lost.
 */
function withCommentHint(message: string, line: string | undefined): string {
  if (line === undefined || !message.includes("got an empty value") || !/:\s+#/.test(line)) return message;
  return `${message} (in YAML an unquoted # starts a comment: quote the value, as in "#dev")`;
}

/** Reads and parses a configuration file; problems name the file by `path` as given. */
export async function loadConfigFile(path: string, env: Env = process.env): Promise<SwitchboardConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(path, [{ path: "", message: `cannot read the configuration file: ${reason}` }], { cause: error });
  }
  return parseConfig(text, path, env);
}

/** The embedded default configuration (config/default.yaml), used by `switchboard start` without --config. */
export async function loadDefaultConfig(env: Env = process.env): Promise<SwitchboardConfig> {
  return loadConfigFile(fileURLToPath(DEFAULT_CONFIG_URL), env);
}

function syntaxProblem(code: string, message: string, position: { line: number; col: number }): ConfigProblem {
  // With prettyErrors off, yaml's message is one sentence without position; the position is printed in front.
  // yaml words MULTIPLE_DOCS for programmers (it names its own API); the rest reads well to operators.
  const first = code === "MULTIPLE_DOCS" ? "the file holds several documents (---); write one" : (message.split("\n")[0] ?? message);
  return { path: "", line: Math.max(position.line, 1), column: position.col, message: `invalid YAML: ${first}` };
}

interface SubstitutionResult {
  readonly problems: UnplacedProblem[];
  /** Key path -> variables its value came from: such values are never echoed in messages. */
  readonly tainted: Map<string, readonly string[]>;
  /** Key paths whose value references an unset or malformed variable. */
  readonly unresolved: Set<string>;
  /** True when the tree cannot become plain data: an unresolved alias, or a key that is not a scalar. */
  broken: boolean;
}

/**
 * Replaces `${NAME}` in every string value of the tree (keys are left alone), in place. It also finds what
 * would make doc.toJS() throw or warn without a position: an alias to no anchor, a mapping or list as a key.
 */
function substituteTree(doc: Document, rootSchema: SchemaNode, env: Env): SubstitutionResult {
  const result: SubstitutionResult = { problems: [], tainted: new Map(), unresolved: new Set(), broken: false };
  const walk = (node: unknown, segments: string[], schema: SchemaNode | undefined): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = keyText(pair.key);
        if (pair.key !== null && !isScalar(pair.key)) {
          result.problems.push({ segments: [...segments, key], atKey: true, message: "a key must be a plain name, not a mapping or list" });
          result.broken = true;
        }
        walk(pair.value, [...segments, key], schema?.properties?.[key]);
      }
    } else if (isAlias(node) && node.resolve(doc) === undefined) {
      result.problems.push({ segments, atKey: false, message: `invalid YAML: alias *${node.source} has no anchor &${node.source} before it` });
      result.broken = true;
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, [...segments, String(index)], schema?.items));
    } else if (isScalar(node) && typeof node.value === "string" && hasEnvReference(node.value)) {
      const path = joinPath(segments);
      const found = substituteEnv(node.value, env);
      for (const name of found.missing) {
        result.problems.push({ segments, atKey: false, message: `environment variable ${name} is not set` });
      }
      for (const fragment of found.malformed) {
        const message = `malformed variable reference "${fragment}"; write \${NAME} (letters, digits, _) or $\${ for a literal \${`;
        result.problems.push({ segments, atKey: false, message });
      }
      if (found.missing.length > 0 || found.malformed.length > 0) result.unresolved.add(path);
      if (found.variables.length > 0) result.tainted.set(path, found.variables);
      node.value = found.single ? coerceScalar(found.value, schema) : found.value;
    }
    // An alias needs nothing: it points at an anchored node that the walk reaches where it is defined.
  };
  walk(doc.contents, [], rootSchema);
  return result;
}

/**
 * A value that is exactly `${NAME}` where the schema wants a number or boolean is read as YAML would read it
 * (`7117` -> 7117, `true` -> true); anywhere else it stays a string, so a numeric password is not mangled.
 */
function coerceScalar(value: string, schema: SchemaNode | undefined): unknown {
  if (schema?.type !== "integer" && schema?.type !== "number" && schema?.type !== "boolean") return value;
  try {
    const parsed: unknown = parseYaml(value);
    return typeof parsed === "number" || typeof parsed === "boolean" ? parsed : value;
  } catch {
    return value;
  }
}

/**
 * A section written with nothing under it (`native:` with every key commented out) is YAML null; it means
 * "all defaults", not "wrong type", so it is removed and ajv fills it in. The same holds for the sections of
 * list entries (an IRC network's `tls:`). A list written with nothing under it stays null, and is refused:
 * an empty list is written `[]`.
 */
function emptySectionsToDefaults(data: unknown, schema: SchemaNode): void {
  if (!isRecord(data)) return;
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const value = data[key];
    if (child.type === "object") {
      if (value === null) delete data[key];
      else emptySectionsToDefaults(value, child);
    } else if (child.type === "array" && child.items !== undefined && Array.isArray(value)) {
      for (const item of value) emptySectionsToDefaults(item, child.items);
    }
  }
}

/** The line and column of the key or value at `segments`, or of the deepest key on the way that exists. */
function locate(doc: Document, lineCounter: LineCounter, segments: readonly string[], atKey: boolean): { line?: number; column?: number } {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  for (const [depth, segment] of segments.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    let keyOffset: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === segment);
      keyOffset = rangeStart(pair?.key);
      node = pair?.value;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)];
      keyOffset = rangeStart(node);
    } else {
      node = undefined;
    }
    if (keyOffset === undefined) break;
    const valueOffset = isEmptyScalar(node) ? undefined : rangeStart(node);
    const last = depth === segments.length - 1;
    offset = last && !atKey ? (valueOffset ?? keyOffset) : keyOffset;
  }
  if (offset === undefined) return {};
  const { line, col } = lineCounter.linePos(offset);
  return { line: Math.max(line, 1), column: col };
}

function rangeStart(node: unknown): number | undefined {
  if (node !== null && typeof node === "object" && "range" in node && Array.isArray(node.range)) {
    const start: unknown = node.range[0];
    return typeof start === "number" ? start : undefined;
  }
  return undefined;
}

function isEmptyScalar(node: unknown): boolean {
  return isScalar(node) && node.value === null && node.source === "";
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
