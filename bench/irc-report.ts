/**
 * The results of bench/irc.ts: one table of the message paths (bench/path-figures.ts: the direct IRC baseline
 * first, each gateway path beside it and beside the relay floor's same path), one of the memory each puppet
 * connection costs, and the target checks. With several runs every figure is the median over the runs;
 * correctness counts are summed. Same layout as bench/xmpp-report.ts, with ngIRCd where that one has Prosody.
 */
import type { GatewayCpuSample, GatewayPathResult, GatewayServer } from "./gateway-phases.js";
import { median } from "./medians.js";
import { busyPhases as gatewayBusyPhases, cpuLimit, latencyTargets, pathResultsTable, type GatewayPathInfo, type PathFigures } from "./path-figures.js";
import { format, markdownTable } from "./table.js";

export const NGIRCD: GatewayServer<"ircd"> = { key: "ircd", label: "ngIRCd" };

/** CPU seconds used during one phase, by process. */
export type IrcCpuSample = GatewayCpuSample<"ircd">;

export type IrcPathId = "irc-direct" | "relay-native-to-irc" | "relay-irc-to-native" | "native-to-irc" | "irc-to-native";

export type IrcPathResult = GatewayPathResult<IrcPathId, "ircd">;

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

/** A path; its floor, besides the direct path, is the relay floor's same path. */
export interface IrcPathInfo extends GatewayPathInfo<IrcPathId> {
  /** Sends through puppets under the daemon's flood control. */
  readonly flood?: true;
}

/** In the order measured: the direct baseline and the relay floor with the relay running, then the daemon. */
export const IRC_PATHS: readonly IrcPathInfo[] = [
  { id: "irc-direct", label: "IRC channel, client -> ngIRCd -> client (baseline)", gateway: "none" },
  { id: "relay-native-to-irc", label: "relay floor: native -> relay -> ngIRCd -> IRC", gateway: "relay" },
  { id: "relay-irc-to-native", label: "relay floor: IRC -> ngIRCd -> relay -> native", gateway: "relay" },
  { id: "native-to-irc", label: "native -> Switchboard (puppet) -> ngIRCd -> IRC", gateway: "daemon", floor: "relay-native-to-irc", flood: true, targets: true },
  { id: "irc-to-native", label: "IRC -> ngIRCd -> Switchboard -> native", gateway: "daemon", floor: "relay-irc-to-native", targets: true },
];

/**
 * What limited a burst: the daemon's flood control when each puppet sent at 90% of its allowance or more; the
 * machine when its cores were 80% busy or more; else the process nearest a full core (for the gateway, its
 * event-loop thread); else nothing (the window and latency did).
 */
function limitOf(f: PathFigures, path: IrcPathInfo, limits: IrcLimits): string {
  if (path.flood && f.throughput / limits.pairs >= 0.9 * limits.linesPerSecond) return `flood control (${limits.linesPerSecond} lines/s per puppet)`;
  return cpuLimit(f, limits.cpuCount, [
    ["ngIRCd", f.serverShare],
    [path.gateway === "relay" ? "relay" : "Switchboard", path.gateway === "none" ? 0 : f.gatewayMainShare],
    ["generator", f.generatorShare],
  ]);
}

/** The message paths, in Markdown: figures are medians over the runs. "GW" is the daemon or the relay. */
export function ircResultsTable(runs: readonly IrcRunResult[], rate: number, limits: IrcLimits): string {
  return pathResultsTable(IRC_PATHS, runs, rate, NGIRCD, {
    direct: "irc-direct",
    floorHeading: "p50 vs relay floor",
    pacedOther: true,
    limit: (f, path) => limitOf(f, path, limits),
  });
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
  return markdownTable(["puppet memory", "value", "target"], rows);
}

export interface IrcTargetCheck {
  readonly label: string;
  readonly met: boolean;
  readonly text: string;
}

/** Latency of each gateway path (p50 within 1 + addedP50Fraction of the direct path's) and RSS per puppet. */
export function ircTargetChecks(runs: readonly IrcRunResult[], targets: IrcTargets): IrcTargetCheck[] {
  const checks: IrcTargetCheck[] = latencyTargets(IRC_PATHS, runs, "irc-direct", NGIRCD.key, targets.addedP50Fraction).map(({ path, f, direct, allowed, met }) => ({
    label: path.label,
    met,
    text: `p50 ${format(f.p50, 2)} ms vs ${format(allowed, 2)} allowed (direct ${format(direct.p50, 2)} + ${targets.addedP50Fraction * 100}%): ${met ? "met" : "MISSED"}`,
  }));
  if (runs.some((run) => run.memory)) {
    const perPuppet = memoryMedian(runs, rssPerPuppet);
    const met = perPuppet <= targets.rssPerPuppetKiB;
    checks.push({ label: "RSS per puppet connection", met, text: `${format(perPuppet, 1)} KiB vs ${targets.rssPerPuppetKiB} allowed: ${met ? "met" : "MISSED"}` });
  }
  return checks;
}

/** The phases ("burst", "paced") during which other processes used over 25% of a core, in any run. */
export function busyPhases(runs: readonly IrcRunResult[]): Array<"burst" | "paced"> {
  return gatewayBusyPhases(runs, NGIRCD.key);
}
