/**
 * The results table of bench/xmpp.ts: one row per path, the baselines (client -> Prosody -> client) first, each
 * gateway path beside its baseline, and the targets. With several runs every figure is the median over the runs;
 * correctness counts are summed over the runs.
 */
import type { PhaseResult } from "./load-generator.js";
import { median } from "./report.js";

/** CPU seconds used during one phase, by process. */
export interface CpuSample {
  /** The gateway process (the daemon, or the relay baseline), all threads (the SQLite checkpointer is a worker thread). */
  readonly gateway: number;
  /** The gateway's main thread: the event loop. */
  readonly gatewayMain: number;
  readonly prosody: number;
  /** The load generator (this process). */
  readonly generator: number;
  /** The whole machine (all cores), busy time. */
  readonly machine: number;
  readonly wallSeconds: number;
}

export type PathId =
  | "xmpp-direct"
  | "relay-native-to-xmpp"
  | "relay-xmpp-to-native"
  | "native-to-xmpp"
  | "xmpp-to-native"
  | "muc"
  | "room-native-to-xmpp"
  | "room-xmpp-to-native";

export interface PathResult {
  readonly id: PathId;
  readonly burst: PhaseResult;
  readonly burstCpu: CpuSample;
  readonly paced: PhaseResult;
  readonly pacedCpu: CpuSample;
}

export interface XmppRunResult {
  readonly paths: readonly PathResult[];
}

export interface XmppTargets {
  /** The most a gateway path may add to the direct path's p50, as a fraction (0.10 = 10%). */
  readonly addedP50Fraction: number;
  /** Messages per second a gateway path must sustain, with Prosody (not the daemon) the limit. */
  readonly throughput: number;
}

export interface PathInfo {
  readonly id: PathId;
  readonly label: string;
  /** Which process serves the native side: none (XMPP only), the relay baseline or the daemon. */
  readonly gateway: "none" | "relay" | "daemon";
  /** The floor this path is compared with besides the direct path: the relay's same path, or Prosody's MUC. */
  readonly floor?: PathId;
  /** A gateway path with targets. */
  readonly targets?: true;
}

/** In the order measured: the direct baseline and the relay with the relay running, then the rest with the daemon. */
export const PATHS: readonly PathInfo[] = [
  { id: "xmpp-direct", label: "XMPP chat, client -> Prosody -> client (baseline)", gateway: "none" },
  { id: "relay-native-to-xmpp", label: "relay floor: native -> relay -> Prosody -> XMPP", gateway: "relay" },
  { id: "relay-xmpp-to-native", label: "relay floor: XMPP -> Prosody -> relay -> native", gateway: "relay" },
  { id: "native-to-xmpp", label: "native -> Switchboard -> Prosody -> XMPP", gateway: "daemon", floor: "relay-native-to-xmpp", targets: true },
  { id: "xmpp-to-native", label: "XMPP -> Prosody -> Switchboard -> native", gateway: "daemon", floor: "relay-xmpp-to-native", targets: true },
  { id: "muc", label: "Prosody MUC, client -> room -> client (room baseline)", gateway: "none" },
  { id: "room-native-to-xmpp", label: "room: native -> Switchboard -> Prosody -> XMPP occupant", gateway: "daemon", floor: "muc", targets: true },
  { id: "room-xmpp-to-native", label: "room: XMPP occupant -> Prosody -> Switchboard -> native", gateway: "daemon", floor: "muc", targets: true },
];

const share = (seconds: number, wall: number): number => (wall > 0 ? (100 * seconds) / wall : Number.NaN);
const perThousand = (seconds: number, messages: number): number => (messages > 0 ? (1e6 * seconds) / messages : Number.NaN);

export interface Figures {
  readonly throughput: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly gatewayShare: number;
  readonly gatewayMainShare: number;
  readonly prosodyShare: number;
  readonly generatorShare: number;
  readonly machineShare: number;
  /** Busy CPU of the machine beyond the gateway, Prosody and the generator: other processes. */
  readonly otherShare: number;
  readonly gatewayMsPer1000: number;
  readonly prosodyMsPer1000: number;
  readonly pacedGatewayShare: number;
  readonly pacedProsodyShare: number;
}

function figures(path: PathResult): Figures {
  const { burst, burstCpu: cpu, paced, pacedCpu } = path;
  return {
    throughput: burst.deliveredPerSecond,
    p50: paced.latency?.p50 ?? Number.NaN,
    p95: paced.latency?.p95 ?? Number.NaN,
    p99: paced.latency?.p99 ?? Number.NaN,
    max: paced.latency?.max ?? Number.NaN,
    gatewayShare: share(cpu.gateway, cpu.wallSeconds),
    gatewayMainShare: share(cpu.gatewayMain, cpu.wallSeconds),
    prosodyShare: share(cpu.prosody, cpu.wallSeconds),
    generatorShare: share(cpu.generator, cpu.wallSeconds),
    machineShare: share(cpu.machine, cpu.wallSeconds),
    otherShare: share(Math.max(0, cpu.machine - cpu.gateway - cpu.prosody - cpu.generator), cpu.wallSeconds),
    gatewayMsPer1000: perThousand(cpu.gateway, burst.delivered),
    prosodyMsPer1000: perThousand(cpu.prosody, burst.delivered),
    pacedGatewayShare: share(pacedCpu.gateway, pacedCpu.wallSeconds),
    pacedProsodyShare: share(pacedCpu.prosody, pacedCpu.wallSeconds),
  };
}

export function medianFigures(runs: readonly XmppRunResult[], id: PathId): Figures | undefined {
  const all = runs.map((run) => run.paths.find((path) => path.id === id)).filter((path): path is PathResult => path !== undefined);
  if (all.length === 0) return undefined;
  const each = all.map(figures);
  const keys = Object.keys(each[0] as Figures) as (keyof Figures)[];
  return Object.fromEntries(keys.map((key) => [key, median(each.map((f) => f[key]))])) as unknown as Figures;
}

/**
 * What limited a burst: the machine when its cores were busy (80% of its capacity or more), else the process
 * nearest a full core (for the gateway, its event-loop thread), else nothing (the window and latency did).
 */
export function limitOf(f: Figures, gatewayName: string): string {
  const capacity = 100 * cpuCount;
  if (f.machineShare >= 0.8 * capacity) return `machine (${Math.round(f.machineShare)}% of ${capacity})`;
  const candidates: Array<[string, number]> = [
    ["Prosody", f.prosodyShare],
    [gatewayName, f.gatewayMainShare],
    ["generator", f.generatorShare],
  ];
  candidates.sort((a, b) => b[1] - a[1]);
  const [name, value] = candidates[0] as [string, number];
  return value >= 85 ? name : "none (window)";
}

let cpuCount = 2;

/** The machine's number of cores, for limitOf. */
export function setCpuCount(count: number): void {
  cpuCount = count;
}

function correctness(runs: readonly XmppRunResult[], id: PathId): string {
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

function format(value: number, digits: number): string {
  if (!Number.isFinite(value)) return "-";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function table(header: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join(" | ")} |`;
  return [line(header), `|${widths.map((width, column) => (column === 0 ? "-".repeat(width + 2) : `${"-".repeat(width + 1)}:`)).join("|")}|`, ...body.map(line)].join("\n");
}

/** The p50 of a gateway path against its baseline's, as "+x.xx ms (+y%)". */
function added(f: Figures, base: Figures | undefined): string {
  if (!base) return "";
  const ms = f.p50 - base.p50;
  return `${ms >= 0 ? "+" : ""}${format(ms, 2)} (${ms >= 0 ? "+" : ""}${format((100 * ms) / base.p50, 0)}%)`;
}

export interface TargetCheck {
  readonly path: PathId;
  readonly label: string;
  readonly latencyMet: boolean;
  readonly throughputMet: boolean;
  readonly text: string;
}

/**
 * The targets of each gateway path. Latency: p50 at the paced rate within 1 + addedP50Fraction of the direct
 * path's. Throughput: at least `throughput` msg/s in the burst, and Prosody, not Switchboard, the limit: on a
 * machine whose cores all three processes share, "the limit" is judged by CPU per message (Switchboard's at most
 * Prosody's, so that with a core each Prosody saturates first), and the observed limit is printed beside it.
 */
export function targetChecks(runs: readonly XmppRunResult[], targets: XmppTargets): TargetCheck[] {
  const direct = medianFigures(runs, "xmpp-direct");
  const checks: TargetCheck[] = [];
  for (const path of PATHS) {
    if (!path.targets) continue;
    const f = medianFigures(runs, path.id);
    if (!f || !direct) continue;
    const allowed = direct.p50 * (1 + targets.addedP50Fraction);
    const latencyMet = f.p50 <= allowed;
    const cheaper = f.gatewayMsPer1000 <= f.prosodyMsPer1000;
    const throughputMet = f.throughput >= targets.throughput && cheaper;
    const text = [
      `p50 ${format(f.p50, 2)} ms vs ${format(allowed, 2)} allowed: ${latencyMet ? "met" : "MISSED"}`,
      `${format(f.throughput, 0)} msg/s (${f.throughput >= targets.throughput ? ">=" : "<"} ${targets.throughput.toLocaleString("en-US")}), ` +
        `CPU per 1k msgs Switchboard ${format(f.gatewayMsPer1000, 1)} ms vs Prosody ${format(f.prosodyMsPer1000, 1)} ms, observed limit ${limitOf(f, "Switchboard")}: ` +
        `${throughputMet ? "met" : "MISSED"}`,
    ].join("; ");
    checks.push({ path: path.id, label: path.label, latencyMet, throughputMet, text });
  }
  return checks;
}

/** The results table, in Markdown: figures are medians over the runs. "GW" is the daemon or the relay. */
export function xmppResultsTable(runs: readonly XmppRunResult[], rate: number): string {
  const direct = medianFigures(runs, "xmpp-direct");
  const body: string[][] = [];
  for (const path of PATHS) {
    const f = medianFigures(runs, path.id);
    if (!f) continue;
    const floor = path.floor ? medianFigures(runs, path.floor) : undefined;
    const gw = (text: string): string => (path.gateway === "none" ? "-" : text);
    body.push([
      path.label,
      format(f.throughput, 0),
      `${gw(format(f.gatewayShare, 0))} / ${format(f.prosodyShare, 0)} / ${format(f.generatorShare, 0)} / ${format(f.otherShare, 0)}`,
      `${gw(format(f.gatewayMsPer1000, 1))} / ${format(f.prosodyMsPer1000, 1)}`,
      limitOf(f, path.gateway === "relay" ? "relay" : "Switchboard"),
      `${format(f.p50, 2)} / ${format(f.p95, 2)} / ${format(f.p99, 2)}`,
      path.id === "xmpp-direct" ? "" : added(f, direct),
      floor ? added(f, floor) : "",
      `${gw(format(f.pacedGatewayShare, 1))} / ${format(f.pacedProsodyShare, 1)}`,
      correctness(runs, path.id),
    ]);
  }
  return table(
    [
      "path",
      "burst msg/s",
      "burst CPU % GW / Prosody / gen / other",
      "CPU ms per 1k msgs GW / Prosody",
      "burst limit",
      `p50 / p95 / p99 ms at ${rate}/s`,
      "p50 vs direct",
      "p50 vs relay or MUC",
      `CPU % at ${rate}/s GW / Prosody`,
      "lost/dup/reord/err/stray",
    ],
    body,
  );
}
