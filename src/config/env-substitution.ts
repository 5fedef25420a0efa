/**
 * `${NAME}` substitution in configuration strings, so that secrets and per-host values stay out of the file.
 *
 * Rules (docs/config.md, "Environment variables"): `${NAME}` is replaced by the variable's value, NAME being
 * letters, digits and `_` not starting with a digit; `$${` is a literal `${`; any other `$` is kept as written.
 * An unset variable is an error rather than an empty string, because an empty password or host silently
 * changes what the gateway does. A variable set to "" is honoured: the operator set it on purpose.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export interface EnvSubstitution {
  /** The text with every resolvable reference replaced. */
  readonly value: string;
  /** Every variable referenced, in order of appearance. */
  readonly variables: readonly string[];
  /** Referenced variables that are not set. */
  readonly missing: readonly string[];
  /** References that are not `${NAME}`, as written (an unterminated one up to the end of the text). */
  readonly malformed: readonly string[];
  /** True when the text is exactly one `${NAME}` and nothing else: its value may then stand for a number. */
  readonly single: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SINGLE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

export function substituteEnv(text: string, env: Env): EnvSubstitution {
  const variables: string[] = [];
  const missing: string[] = [];
  const malformed: string[] = [];
  let value = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i)) {
      value += "${";
      i += 3;
      continue;
    }
    if (!text.startsWith("${", i)) {
      value += text[i];
      i += 1;
      continue;
    }
    const end = text.indexOf("}", i + 2);
    const name = end === -1 ? undefined : text.slice(i + 2, end);
    if (name === undefined || !NAME.test(name)) {
      const fragment = end === -1 ? text.slice(i) : text.slice(i, end + 1);
      malformed.push(fragment);
      value += fragment;
      i += fragment.length;
      continue;
    }
    variables.push(name);
    const replacement = env[name];
    if (replacement === undefined) missing.push(name);
    value += replacement ?? "";
    i = end + 1;
  }
  return { value, variables, missing, malformed, single: SINGLE.test(text) };
}

/** True when the text references at least one variable (or tries to), so it needs substituteEnv. */
export function hasEnvReference(text: string): boolean {
  return text.includes("${");
}
