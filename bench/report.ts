/**
 * The results table of bench/native-direct.ts: one row per metric, Switchboard beside the baseline measured in
 * the same run, their ratio, and the target. With several runs every figure is the median over the runs
 * (added latency: the median of the per-run differences); correctness counts are summed over the runs.
 */
import { median } from "./medians.js";
import { correctnessText } from "./phase-summary.js";
import { format, markdownTable } from "./table.js";
import type { PhaseResult } from "./traffic-phase.js";

export interface CpuUse {
  /** CPU seconds of the server process during the phase. */
  readonly server: number;
  /** CPU seconds of the load generator (this process) during the phase. */
  readonly generator: number;
  /** CPU seconds the machine was busy beyond the server and the generator: other processes, interrupts. */
  readonly other: number;
  readonly wallSeconds: number;
}

export interface ScenarioResult {
  readonly name: "switchboard" | "baseline";
  readonly idleClients: number;
  readonly rssBeforeKiB: number;
  readonly rssIdleKiB: number;
  readonly rssAfterLoadKiB: number;
  readonly connectSeconds: number;
  readonly throughput: PhaseResult;
  readonly throughputCpu: CpuUse;
  readonly paced: PhaseResult;
  readonly pacedCpu: CpuUse;
  readonly idleFrames: number;
  readonly connectionsLost: number;
  readonly serverProblems: readonly string[];
}

export interface RunResult {
  readonly switchboard: ScenarioResult;
  readonly baseline: ScenarioResult;
}

export interface Targets {
  readonly throughput: number;
  readonly addedP99Ms: number;
  readonly rssPerClientKiB: number;
}

type Metric = (scenario: ScenarioResult) => number;

/** A metric of each side, or (paired) one value per run computed from both sides, such as a difference. */
type Row = {
  readonly label: string;
  readonly digits: number;
  /** false: no ratio column (shares of a core used by others, where a ratio means nothing). */
  readonly ratio?: false;
  readonly target?: { readonly text: string; readonly met: (value: number) => boolean };
} & ({ readonly paired?: false; readonly value: Metric } | { readonly paired: true; readonly value: (run: RunResult) => number });

const latency = (scenario: ScenarioResult, key: "p50" | "p95" | "p99" | "max"): number => scenario.paced.latency?.[key] ?? Number.NaN;
const perClient = (s: ScenarioResult): number => (s.rssIdleKiB - s.rssBeforeKiB) / s.idleClients;
const cpuShare = (seconds: number, wall: number): number => (wall > 0 ? (100 * seconds) / wall : Number.NaN);

function rows(targets: Targets, rate: number): Row[] {
  const added = (key: "p50" | "p95" | "p99") => (run: RunResult) => latency(run.switchboard, key) - latency(run.baseline, key);
  return [
    {
      label: "throughput, msg/s delivered",
      digits: 0,
      value: (s: ScenarioResult) => s.throughput.deliveredPerSecond,
      target: { text: `>= ${targets.throughput.toLocaleString("en-US")}`, met: (v) => v >= targets.throughput },
    },
    { label: "  server CPU per 1,000 msgs (ms)", digits: 1, value: (s: ScenarioResult) => (1e6 * s.throughputCpu.server) / Math.max(1, s.throughput.delivered) },
    { label: "  server CPU use (% of a core)", digits: 0, value: (s: ScenarioResult) => cpuShare(s.throughputCpu.server, s.throughputCpu.wallSeconds) },
    { label: "  generator CPU use (% of a core)", digits: 0, value: (s: ScenarioResult) => cpuShare(s.throughputCpu.generator, s.throughputCpu.wallSeconds) },
    { label: "  other CPU use (% of a core)", digits: 0, ratio: false, value: (s: ScenarioResult) => cpuShare(s.throughputCpu.other, s.throughputCpu.wallSeconds) },
    { label: `latency p50 at ${rate} msg/s (ms)`, digits: 2, value: (s: ScenarioResult) => latency(s, "p50") },
    { label: `latency p95 at ${rate} msg/s (ms)`, digits: 2, value: (s: ScenarioResult) => latency(s, "p95") },
    { label: `latency p99 at ${rate} msg/s (ms)`, digits: 2, value: (s: ScenarioResult) => latency(s, "p99") },
    { label: `latency max at ${rate} msg/s (ms)`, digits: 2, value: (s: ScenarioResult) => latency(s, "max") },
    { label: "added latency p50 (ms)", digits: 2, paired: true, value: added("p50") },
    { label: "added latency p95 (ms)", digits: 2, paired: true, value: added("p95") },
    {
      label: "added latency p99 (ms)",
      digits: 2,
      paired: true,
      value: added("p99"),
      target: { text: `< ${targets.addedP99Ms}`, met: (v) => v < targets.addedP99Ms },
    },
    { label: `  server CPU use at ${rate} msg/s (% of a core)`, digits: 0, value: (s: ScenarioResult) => cpuShare(s.pacedCpu.server, s.pacedCpu.wallSeconds) },
    { label: `  other CPU use at ${rate} msg/s (% of a core)`, digits: 0, ratio: false, value: (s: ScenarioResult) => cpuShare(s.pacedCpu.other, s.pacedCpu.wallSeconds) },
    { label: "RSS before idle clients (MiB)", digits: 1, value: (s: ScenarioResult) => s.rssBeforeKiB / 1024 },
    { label: "RSS with idle clients (MiB)", digits: 1, value: (s: ScenarioResult) => s.rssIdleKiB / 1024 },
    {
      label: "RSS per idle client (KiB)",
      digits: 1,
      value: perClient,
      target: { text: `<= ${targets.rssPerClientKiB}`, met: (v) => v <= targets.rssPerClientKiB },
    },
    { label: "RSS after the load (MiB)", digits: 1, value: (s: ScenarioResult) => s.rssAfterLoadKiB / 1024 },
  ];
}

/** Median over the runs of Switchboard's value and of the baseline's (NaN for a paired row). */
function medians(row: Row, runs: readonly RunResult[]): { switchboard: number; baseline: number } {
  if (row.paired) return { switchboard: median(runs.map(row.value)), baseline: Number.NaN };
  const metric = row.value;
  return { switchboard: median(runs.map((run) => metric(run.switchboard))), baseline: median(runs.map((run) => metric(run.baseline))) };
}

function correctness(runs: readonly RunResult[], side: "switchboard" | "baseline"): string {
  const scenarios = runs.map((run) => run[side]);
  const idleFrames = scenarios.reduce((total, scenario) => total + scenario.idleFrames, 0);
  return correctnessText(scenarios.flatMap((scenario) => [scenario.throughput, scenario.paced]), idleFrames);
}

/** The results table, in Markdown. */
export function resultsTable(runs: readonly RunResult[], targets: Targets, rate: number): string {
  const body = rows(targets, rate).map((row) => {
    const { switchboard: sb, baseline: base } = medians(row, runs);
    const ratio = row.ratio !== false && Number.isFinite(base) && base !== 0 ? `${format(sb / base, 2)}x` : "";
    const target = row.target ? `${row.target.text} ${row.target.met(sb) ? "(met)" : "(MISSED)"}` : "";
    return [row.label, format(sb, row.digits), format(base, row.digits), ratio, target];
  });
  body.push(["lost/duplicated/reordered/errors/stray", correctness(runs, "switchboard"), correctness(runs, "baseline"), "", "0/0/0/0/0"]);
  return markdownTable(["metric", "switchboard", "baseline", "ratio", "target"], body);
}

/** Which targets Switchboard missed (medians over the runs). */
export function missedTargets(runs: readonly RunResult[], targets: Targets, rate: number): string[] {
  return rows(targets, rate)
    .filter((row) => row.target)
    .filter((row) => !row.target?.met(medians(row, runs).switchboard))
    .map((row) => row.label);
}
