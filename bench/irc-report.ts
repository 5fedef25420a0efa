/**
 * The results of bench/irc.ts: one table of the message paths (the direct IRC baseline first, each gateway path
 * beside it and beside the relay floor's same path), one of the memory each puppet connection costs, and the
 * target checks. With several runs every figure is the median over the runs; correctness counts are summed.
 * Same layout as bench/xmpp-report.ts, with ngIRCd where that one has Prosody.
 */
import type { PhaseResult } from "./load-generator.js";
import { median } from "./report.js";

/** CPU seconds used during one phase, by process. */
export interface IrcCpuSample {
  /** The gateway process (the daemon, or the relay floor), all threads. */
  readonly gateway: number;
  /** The gateway's main thread: the event loop. */
  readonly gatewayMain: number;
  readonly ircd: number;
  /** The load generator (this process). */
  readonly generator: number;
  /** The whole machine (all cores), busy time. */
  readonly machine: number;
  readonly wallSeconds: number;
}

export type IrcPathId = "irc-direct" | "relay-native-to-irc" | "relay-irc-to-native" | "native-to-irc" | "irc-to-native";

export interface IrcPathResult {
  readonly id: IrcPathId;
  readonly burst: PhaseResult;
  readonly burstCpu: IrcCpuSample;
  readonly paced: PhaseResult;
  readonly pacedCpu: IrcCpuSample;
}

/** The daemon's memory with one puppet connected, then with `puppets`, each after a full GC and a settle. */
export interface PuppetMemory {
  readonly puppets: number;
  readonly rssBeforeKiB: number;
  readonly rssAfterKiB: number;
  /** V8 heap in use after a full collection (inspector), bytes. */
  readonly heapBeforeBytes: number;
  readonly heapAfterBytes: number;
  readonly ircdRssBeforeKiB: number;
  readonly ircdRssAfterKiB: number;
  /** From the first of the other puppets' messages sent to the last one seen in the channel. */
  readonly connectSeconds: number;
}

export interface IrcRunResult {
  readonly paths: readonly IrcPathResult[];
  readonly memory: PuppetMemory | undefined;
}

export interface IrcTargets {
  /** The most a gateway path may add to the direct path's p50, as a fraction (0.10 = 10%). */
  readonly addedP50Fraction: number;
  /** The most RSS one puppet connection may add, KiB. */
  readonly rssPerPuppetKiB: number;
}

/** What the configuration allows, for reading a burst: flood control caps each puppet at `linesPerSecond`. */
export interface IrcLimits {
  readonly pairs: number;
  readonly linesPerSecond: number;
  readonly cpuCount: number;
}

export interface IrcPathInfo {
  readonly id: IrcPathId;
  readonly label: string;
  readonly gateway: "none" | "relay" | "daemon";
  /** The relay floor's same path. */
  readonly floor?: IrcPathId;
  /** Sends through puppets under the daemon's flood control. */
  readonly flood?: true;
  readonly targets?: true;
}

/** In the order measured: the direct baseline and the relay floor with the relay running, then the daemon. */
export const IRC_PATHS: readonly IrcPathInfo[] = [
  { id: "irc-direct", label: "IRC channel, client -> ngIRCd -> client (baseline)", gateway: "none" },
  { id: "relay-native-to-irc", label: "relay floor: native -> relay -> ngIRCd -> IRC", gateway: "relay" },
  { id: "relay-irc-to-native", label: "relay floor: IRC -> ngIRCd -> relay -> native", gateway: "relay" },
  { id: "native-to-irc", label: "native -> Switchboard (puppet) -> ngIRCd -> IRC", gateway: "daemon", floor: "relay-native-to-irc", flood: true, targets: true },
  { id: "irc-to-native", label: "IRC -> ngIRCd -> Switchboard -> native", gateway: "daemon", floor: "relay-irc-to-native", targets: true },
];

const share = (seconds: number, wall: number): number => (wall > 0 ? (100 * seconds) / wall : Number.NaN);
const perThousand = (seconds: number, messages: number): number => (messages > 0 ? (1e6 * seconds) / messages : Number.NaN);

interface Figures {
  readonly throughput: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly gatewayShare: number;
  readonly gatewayMainShare: number;
  readonly ircdShare: number;
  readonly generatorShare: number;
  readonly machineShare: number;
  /** Busy CPU of the machine beyond the gateway, ngIRCd and the generator: other processes. */
  readonly otherShare: number;
  readonly gatewayMsPer1000: number;
  readonly ircdMsPer1000: number;
  readonly pacedGatewayShare: number;
  readonly pacedIrcdShare: number;
  readonly pacedOtherShare: number;
}

function figures(path: IrcPathResult): Figures {
  const { burst, burstCpu: cpu, paced, pacedCpu } = path;
  return {
    throughput: burst.deliveredPerSecond,
    p50: paced.latency?.p50 ?? Number.NaN,
    p95: paced.latency?.p95 ?? Number.NaN,
    p99: paced.latency?.p99 ?? Number.NaN,
    max: paced.latency?.max ?? Number.NaN,
    gatewayShare: share(cpu.gateway, cpu.wallSeconds),
    gatewayMainShare: share(cpu.gatewayMain, cpu.wallSeconds),
    ircdShare: share(cpu.ircd, cpu.wallSeconds),
    generatorShare: share(cpu.generator, cpu.wallSeconds),
    machineShare: share(cpu.machine, cpu.wallSeconds),
    otherShare: share(Math.max(0, cpu.machine - cpu.gateway - cpu.ircd - cpu.generator), cpu.wallSeconds),
    gatewayMsPer1000: perThousand(cpu.gateway, burst.delivered),
    ircdMsPer1000: perThousand(cpu.ircd, burst.delivered),
    pacedGatewayShare: share(pacedCpu.gateway, pacedCpu.wallSeconds),
    pacedIrcdShare: share(pacedCpu.ircd, pacedCpu.wallSeconds),
    pacedOtherShare: share(Math.max(0, pacedCpu.machine - pacedCpu.gateway - pacedCpu.ircd - pacedCpu.generator), pacedCpu.wallSeconds),
  };
}

function medianFigures(runs: readonly IrcRunResult[], id: IrcPathId): Figures | undefined {
  const all = runs.map((run) => run.paths.find((path) => path.id === id)).filter((path): path is IrcPathResult => path !== undefined);
  if (all.length === 0) return undefined;
  const each = all.map(figures);
  const keys = Object.keys(each[0] as Figures) as (keyof Figures)[];
  return Object.fromEntries(keys.map((key) => [key, median(each.map((f) => f[key]))])) as unknown as Figures;
}

/**
 * What limited a burst: the daemon's flood control when each puppet sent at 90% of its allowance or more; the
 * machine when its cores were 80% busy or more; else the process nearest a full core (for the gateway, its
 * event-loop thread); else nothing (the window and latency did).
 */
function limitOf(f: Figures, path: IrcPathInfo, limits: IrcLimits): string {
  if (path.flood && f.throughput / limits.pairs >= 0.9 * limits.linesPerSecond) return `flood control (${limits.linesPerSecond} lines/s per puppet)`;
  const capacity = 100 * limits.cpuCount;
  if (f.machineShare >= 0.8 * capacity) return `machine (${Math.round(f.machineShare)}% of ${capacity})`;
  const candidates: Array<[string, number]> = [
    ["ngIRCd", f.ircdShare],
    [path.gateway === "relay" ? "relay" : "Switchboard", path.gateway === "none" ? 0 : f.gatewayMainShare],
    ["generator", f.generatorShare],
  ];
  candidates.sort((a, b) => b[1] - a[1]);
  const [name, value] = candidates[0] as [string, number];
  return value >= 85 ? name : "none (window)";
}

function correctness(runs: readonly IrcRunResult[], id: IrcPathId): string {
  let lost = 0;
  let duplicated = 0;
  let reordered = 0;
  let errors = 0;
  let stray = 0;
  for (const run of runs) {
    const path = run.paths.find((p) => p.id === id);
    if (!path) continue;
    for (const phase of [path.burst, path.paced]) {
      lost += phase.lost;
      duplicated += phase.duplicated;
      reordered += phase.reordered;
      errors += phase.errors;
      stray += phase.stray;
    }
  }
  return `${lost}/${duplicated}/${reordered}/${errors}/${stray}`;
}

// format and table as in bench/xmpp-report.ts and bench/report.ts (module-private there).
function format(value: number, digits: number): string {
  if (!Number.isFinite(value)) return "-";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function table(header: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join(" | ")} |`;
  return [line(header), `|${widths.map((width, column) => (column === 0 ? "-".repeat(width + 2) : `${"-".repeat(width + 1)}:`)).join("|")}|`, ...body.map(line)].join("\n");
}

/** The p50 of a path against a baseline's, as "+x.xx (+y%)". */
function added(f: Figures, base: Figures | undefined): string {
  if (!base) return "";
  const ms = f.p50 - base.p50;
  const sign = ms >= 0 ? "+" : "";
  return `${sign}${format(ms, 2)} (${sign}${format((100 * ms) / base.p50, 0)}%)`;
}

/** The message paths, in Markdown: figures are medians over the runs. "GW" is the daemon or the relay. */
export function ircResultsTable(runs: readonly IrcRunResult[], rate: number, limits: IrcLimits): string {
  const direct = medianFigures(runs, "irc-direct");
  const body: string[][] = [];
  for (const path of IRC_PATHS) {
    const f = medianFigures(runs, path.id);
    if (!f) continue;
    const floor = path.floor ? medianFigures(runs, path.floor) : undefined;
    const gw = (text: string): string => (path.gateway === "none" ? "-" : text);
    body.push([
      path.label,
      format(f.throughput, 0),
      `${gw(format(f.gatewayShare, 0))} / ${format(f.ircdShare, 0)} / ${format(f.generatorShare, 0)} / ${format(f.otherShare, 0)}`,
      `${gw(format(f.gatewayMsPer1000, 1))} / ${format(f.ircdMsPer1000, 1)}`,
      limitOf(f, path, limits),
      `${format(f.p50, 2)} / ${format(f.p95, 2)} / ${format(f.p99, 2)}`,
      path.id === "irc-direct" ? "" : added(f, direct),
      floor ? added(f, floor) : "",
      `${gw(format(f.pacedGatewayShare, 1))} / ${format(f.pacedIrcdShare, 1)} / ${format(f.pacedOtherShare, 0)}`,
      correctness(runs, path.id),
    ]);
  }
  return table(
    [
      "path",
      "burst msg/s",
      "burst CPU % GW / ngIRCd / gen / other",
      "CPU ms per 1k msgs GW / ngIRCd",
      "burst limit",
      `p50 / p95 / p99 ms at ${rate}/s`,
      "p50 vs direct",
      "p50 vs relay floor",
      `CPU % at ${rate}/s GW / ngIRCd / other`,
      "lost/dup/reord/err/stray",
    ],
    body,
  );
}

const rssPerPuppet = (m: PuppetMemory): number => (m.rssAfterKiB - m.rssBeforeKiB) / (m.puppets - 1);

function memoryMedian(runs: readonly IrcRunResult[], value: (m: PuppetMemory) => number): number {
  return median(runs.flatMap((run) => (run.memory ? [value(run.memory)] : [])));
}

/** The puppet memory table, in Markdown (medians over the runs). */
export function memoryTable(runs: readonly IrcRunResult[], targets: IrcTargets): string | undefined {
  const first = runs.find((run) => run.memory)?.memory;
  if (!first) return undefined;
  const n = first.puppets;
  const perPuppet = memoryMedian(runs, rssPerPuppet);
  const rows: string[][] = [
    ["daemon RSS with 1 puppet, after GC (MiB)", format(memoryMedian(runs, (m) => m.rssBeforeKiB / 1024), 1), ""],
    [`daemon RSS with ${n} puppets, after GC (MiB)`, format(memoryMedian(runs, (m) => m.rssAfterKiB / 1024), 1), ""],
    [
      `RSS per puppet connection: (${n} - 1) puppets added (KiB)`,
      format(perPuppet, 1),
      `<= ${targets.rssPerPuppetKiB}: ${perPuppet <= targets.rssPerPuppetKiB ? "met" : "MISSED"}`,
    ],
    ["  of which V8 heap in use per puppet (KiB)", format(memoryMedian(runs, (m) => (m.heapAfterBytes - m.heapBeforeBytes) / 1024 / (m.puppets - 1)), 1), ""],
    [`time for ${n - 1} puppets to connect, join and speak (s)`, format(memoryMedian(runs, (m) => m.connectSeconds), 1), ""],
  ];
  return table(["puppet memory", "value", "target"], rows);
}

export interface IrcTargetCheck {
  readonly label: string;
  readonly met: boolean;
  readonly text: string;
}

/** Latency of each gateway path (p50 within 1 + addedP50Fraction of the direct path's) and RSS per puppet. */
export function ircTargetChecks(runs: readonly IrcRunResult[], targets: IrcTargets): IrcTargetCheck[] {
  const direct = medianFigures(runs, "irc-direct");
  const checks: IrcTargetCheck[] = [];
  for (const path of IRC_PATHS) {
    if (!path.targets) continue;
    const f = medianFigures(runs, path.id);
    if (!f || !direct) continue;
    const allowed = direct.p50 * (1 + targets.addedP50Fraction);
    const met = f.p50 <= allowed;
    checks.push({ label: path.label, met, text: `p50 ${format(f.p50, 2)} ms vs ${format(allowed, 2)} allowed (direct ${format(direct.p50, 2)} + ${targets.addedP50Fraction * 100}%): ${met ? "met" : "MISSED"}` });
  }
  if (runs.some((run) => run.memory)) {
    const perPuppet = memoryMedian(runs, rssPerPuppet);
    const met = perPuppet <= targets.rssPerPuppetKiB;
    checks.push({ label: "RSS per puppet connection", met, text: `${format(perPuppet, 1)} KiB vs ${targets.rssPerPuppetKiB} allowed: ${met ? "met" : "MISSED"}` });
  }
  return checks;
}

/** The phases ("burst", "paced") during which other processes used over 25% of a core, in any run. */
export function busyPhases(runs: readonly IrcRunResult[]): Array<"burst" | "paced"> {
  const busy = (cpu: IrcCpuSample): boolean => (cpu.machine - cpu.gateway - cpu.ircd - cpu.generator) / cpu.wallSeconds > 0.25;
  const phases: Array<"burst" | "paced"> = [];
  if (runs.some((run) => run.paths.some((path) => busy(path.burstCpu)))) phases.push("burst");
  if (runs.some((run) => run.paths.some((path) => busy(path.pacedCpu)))) phases.push("paced");
  return phases;
}
