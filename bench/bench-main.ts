/**
 * The process shell every bench shares (bench/native-direct.ts, bench/xmpp.ts, bench/irc.ts): its output, the
 * clean exit (children killed and temp dirs removed however it ends, a deadline so that a hang does not outlive a
 * run by much), the loop over --runs, and the end of its output (the JSON results file). Kept in one place so that
 * every bench starts, reports and fails the same way.
 */
import { writeFileSync } from "node:fs";
import { daemonSource } from "./bench-environment.js";
import { Resources } from "./child-processes.js";

export function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

/**
 * The Resources of a bench process, released on any exit; SIGINT and SIGTERM exit with 130. After `deadlineMs`
 * the bench says "<name>: did not finish in time" and exits with 1.
 */
export function benchResources(name: string, deadlineMs: number): Resources {
  const resources = new Resources();
  process.on("exit", () => resources.releaseAll());
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));
  const deadline = setTimeout(() => {
    process.stderr.write(`${name}: did not finish in time; stopping\n`);
    process.exit(1);
  }, deadlineMs);
  deadline.unref();
  return resources;
}

/** The head of a bench's output: its title, the machine, the daemon's checkout. */
export function logHeader(title: string, machine: string, daemonRoot: string): void {
  log(title);
  log(machine);
  log(`daemon: ${daemonSource(daemonRoot)}`);
}

/** Runs `run` `count` times, one after the other, each announced ("run 1 of 3"); the results in order. */
export async function repeatRuns<R>(count: number, run: (index: number) => Promise<R>): Promise<R[]> {
  const runs: R[] = [];
  for (let index = 0; index < count; index++) {
    log(`run ${index + 1} of ${count}`);
    runs.push(await run(index));
  }
  return runs;
}

/** The heading of the results: "Medians of N runs" over several runs, else "Results". */
export function resultsHeading(runs: number): string {
  return runs > 1 ? `Medians of ${runs} runs` : "Results";
}

export interface ResultsOutput {
  /** --json: where the raw results go. */
  readonly json: string | undefined;
  /** --cpu-prof: where the daemon wrote its CPU profile. */
  readonly cpuProfileDir: string | undefined;
}

/** The end of a bench's output: the raw results written to --json, and where the daemon's CPU profile is. */
export function saveResults(output: ResultsOutput, machine: () => string, options: unknown, runs: unknown): void {
  if (output.json) writeFileSync(output.json, `${JSON.stringify({ machine: machine(), options, runs }, null, 2)}\n`);
  if (output.cpuProfileDir) log(`daemon CPU profile (run 1) written to ${output.cpuProfileDir}`);
}

/** Runs a bench's `main`, then exits: 0 once it is done, 1 after "<name> failed: <stack>" on standard error. */
export function runBench(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
