/**
 * The command-line options of the benches (bench/native-direct.ts, bench/xmpp.ts, bench/irc.ts). Each bench lists
 * its options once, as an object whose key order is the order of its options in its JSON results file; this module
 * parses and checks them. The options they share (--runs, the load of the message phases, --json, --cpu-prof,
 * --daemon-root) are defined here once, so that they are spelled, checked and reported alike in every bench, and
 * bench/all.ts can pass --runs and --daemon-root on to all of them.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";

/** One option: its flag when it is not the property name, and how its text (undefined when absent) becomes its value. */
export interface OptionSpec<T> {
  readonly flag?: string;
  readonly parse: (text: string | undefined, flag: string) => T;
}

export type OptionValues<S> = { readonly [K in keyof S]: S[K] extends OptionSpec<infer T> ? T : never };

/** An integer option, `fallback` when absent; anything but an integer >= `min` is an error. */
export function integer(fallback: number, min: number): OptionSpec<number> {
  return {
    parse: (text, flag) => {
      const value = Number(text ?? String(fallback));
      if (!Number.isInteger(value) || value < min) throw new Error(`--${flag} must be an integer >= ${min}`);
      return value;
    },
  };
}

/** A text option (a file or a dir), undefined when absent. */
export function text(flag?: string): OptionSpec<string | undefined> {
  const parse = (value: string | undefined): string | undefined => value;
  return flag === undefined ? { parse } : { flag, parse };
}

/** --runs N: the figures are medians over N runs. */
export const RUNS_OPTION = { runs: integer(1, 1) };

/** The load of the message phases (the defaults differ from bench to bench). */
export interface MessageLoad {
  readonly messages: number;
  readonly warmup: number;
  readonly window: number;
  readonly rate: number;
  readonly seconds: number;
}

/** --messages N (burst), --warmup N, --window W, --rate R msg/s and --seconds S (paced phase). */
export function loadOptions(defaults: MessageLoad) {
  return {
    messages: integer(defaults.messages, 1),
    warmup: integer(defaults.warmup, 0),
    window: integer(defaults.window, 1),
    rate: integer(defaults.rate, 1),
    seconds: integer(defaults.seconds, 1),
  };
}

/** --json FILE (raw results), --cpu-prof DIR (V8 CPU profile of the daemon, run 1), --daemon-root DIR (default: `root`). */
export function outputAndDaemonOptions(root: string) {
  return {
    json: text(),
    cpuProfileDir: text("cpu-prof"),
    daemonRoot: { flag: "daemon-root", parse: (value: string | undefined) => resolve(value ?? root) },
  };
}

/** Parses the command line against `spec` (unknown options and positionals are errors), in the order of `spec`. */
export function parseOptions<S extends Record<string, OptionSpec<unknown>>>(spec: S): OptionValues<S> {
  const entries = Object.entries(spec).map(([key, option]) => ({ key, flag: option.flag ?? key, option }));
  const { values } = parseArgs({ options: Object.fromEntries(entries.map(({ flag }) => [flag, { type: "string" as const }])) });
  return Object.fromEntries(entries.map(({ key, flag, option }) => [key, option.parse(values[flag] as string | undefined, flag)])) as OptionValues<S>;
}
