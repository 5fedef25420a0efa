/**
 * Turning ajv's errors into sentences for an operator, and printing problems one per line.
 *
 * ajv words its errors for schema authors ("must NOT have additional properties", "must be <= 65535") and
 * reports one error per keyword; an operator wants to read, once per key, what the key accepts. So for the
 * keywords that constrain a single value the message is built from the whole schema of that key (type, range,
 * enum, pattern together), and the same message for the same key is reported once.
 */
import type { ErrorObject } from "ajv";
import type { ConfigProblem } from "./config-types.js";

/** The part of a JSON Schema this module reads. */
export interface SchemaNode {
  readonly type?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
}

/** A problem not yet placed in the YAML text: the loader finds its line and column from `segments`. */
export interface UnplacedProblem {
  readonly segments: readonly string[];
  /** True to point at the key (an unknown key), false at the value (a wrong value). */
  readonly atKey: boolean;
  readonly message: string;
}

/** Keywords that constrain one value: their message is written from the key's whole schema. */
const VALUE_KEYWORDS = new Set([
  "type",
  "enum",
  "const",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "pattern",
]);

/** A pattern that is only an anchored literal prefix, such as `^/`, reads better as "starting with". */
const LITERAL_PREFIX = /^\^([^\\^$.*+?()[\]{}|]+)$/;

const MAX_SHOWN = 60;

export function pointerToSegments(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
}

export function joinPath(segments: readonly string[]): string {
  return segments.join(".");
}

/**
 * One ajv error (compiled with `verbose: true`, which fills parentSchema and data) as an operator's sentence.
 * `tainted` maps a dotted key path to the environment variables its value came from: such a string is never
 * echoed, since it may be a secret.
 */
export function describeAjvError(error: ErrorObject, tainted: ReadonlyMap<string, readonly string[]>): UnplacedProblem {
  const segments = pointerToSegments(error.instancePath);
  const schema = (error.parentSchema ?? {}) as SchemaNode;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "additionalProperties") {
    const key = String(params["additionalProperty"]);
    const allowed = Object.keys(schema.properties ?? {}).join(", ");
    return { segments: [...segments, key], atKey: true, message: `unknown key "${key}"; expected one of: ${allowed}` };
  }
  if (error.keyword === "required") {
    const key = String(params["missingProperty"]);
    return { segments: [...segments, key], atKey: true, message: `required key "${key}" is missing` };
  }
  if (VALUE_KEYWORDS.has(error.keyword)) {
    const got = describeValue(error.data, tainted.get(joinPath(segments)));
    // A hex secret such as 123e4567 is a number to YAML (a huge one: Infinity), true a boolean: quoted, it stays text.
    const unquoted = schema.type === "string" && (typeof error.data === "number" || typeof error.data === "boolean") && !tainted.has(joinPath(segments));
    const hint = unquoted ? ` (YAML reads an unquoted value that looks like a ${typeof error.data} as one: put it in quotes)` : "";
    return { segments, atKey: false, message: `must be ${expectation(schema)}, got ${got}${hint}` };
  }
  return { segments, atKey: false, message: error.message ?? `fails the schema keyword "${error.keyword}"` };
}

/** What a schema accepts, as the end of "must be ...". */
export function expectation(schema: SchemaNode): string {
  if (schema.enum) return `one of: ${schema.enum.map(String).join(", ")}`;
  switch (schema.type) {
    case "integer":
    case "number":
      return numberExpectation(schema.type === "integer" ? "an integer" : "a number", schema);
    case "boolean":
      return "true or false";
    case "string":
      return stringExpectation(schema);
    case "object": {
      const keys = Object.keys(schema.properties ?? {});
      return keys.length > 0 ? `a mapping with the keys ${keys.join(", ")}` : "a mapping";
    }
    case "array":
      return "a list";
    default:
      return schema.type === undefined ? "a valid value" : `of type ${schema.type}`;
  }
}

function numberExpectation(noun: string, schema: SchemaNode): string {
  const { minimum, maximum } = schema;
  if (minimum !== undefined && maximum !== undefined) return `${noun} between ${minimum} and ${maximum}`;
  if (minimum !== undefined) return `${noun} of at least ${minimum}`;
  if (maximum !== undefined) return `${noun} of at most ${maximum}`;
  return noun;
}

function stringExpectation(schema: SchemaNode): string {
  const parts: string[] = [];
  if (schema.pattern !== undefined) {
    const prefix = LITERAL_PREFIX.exec(schema.pattern)?.[1];
    parts.push(prefix === undefined ? `matching the pattern ${schema.pattern}` : `starting with "${prefix}"`);
  }
  const { minLength, maxLength } = schema;
  if (minLength !== undefined && minLength > 1) parts.push(`of at least ${minLength} characters`);
  if (maxLength !== undefined) parts.push(`of at most ${maxLength} characters`);
  const noun = minLength !== undefined && minLength > 0 && schema.pattern === undefined ? "a non-empty string" : "a string";
  return [noun, ...parts].join(" ");
}

/** The value found, for "got ...". */
export function describeValue(value: unknown, fromVariables?: readonly string[]): string {
  const from = fromVariables && fromVariables.length > 0 ? fromVariables.map((name) => "${" + name + "}").join(", ") : undefined;
  if (from !== undefined && typeof value === "string") return `a string from ${from} (not shown: it may be a secret)`;
  const shown = showValue(value);
  return from === undefined ? shown : `${shown} (from ${from})`;
}

function showValue(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    const text = JSON.stringify(value);
    return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 2)}..."` : text;
  }
  return String(value);
}

/** Orders problems as they appear in the file (unplaced ones last) and drops exact repeats. */
export function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  const unique = problems.filter((problem) => {
    const key = `${problem.line ?? ""}:${problem.column ?? ""}:${problem.path}:${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const rank = (problem: ConfigProblem): [number, number] => [problem.line ?? Number.MAX_SAFE_INTEGER, problem.column ?? 0];
  return unique.sort((a, b) => {
    const [lineA, columnA] = rank(a);
    const [lineB, columnB] = rank(b);
    return lineA - lineB || columnA - columnB;
  });
}

/**
 * One line per problem: `<source>:<line>:<column>: <key.path>: <message>`. The position is left out when
 * unknown, the key path when the problem concerns the whole document.
 */
export function formatProblem(source: string, problem: ConfigProblem): string {
  const position = problem.line === undefined ? "" : `:${problem.line}:${problem.column ?? 1}`;
  const path = problem.path === "" ? "" : `${problem.path}: `;
  return `${source}${position}: ${path}${problem.message}`;
}

export function formatProblems(source: string, problems: readonly ConfigProblem[]): string {
  return problems.map((problem) => formatProblem(source, problem)).join("\n");
}
