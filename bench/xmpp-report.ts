/**
 * The results of bench/xmpp.ts: one table of the paths (bench/path-figures.ts: the baselines, client -> Prosody ->
 * client, first; each gateway path beside its baseline and its floor) and the targets. With several runs every
 * figure is the median over the runs; correctness counts are summed over the runs.
 */
import type { GatewayCpuSample, GatewayPathResult, GatewayServer } from "./gateway-phases.js";
import { cpuLimit, latencyTargets, pathResultsTable, type GatewayPathInfo, type PathFigures } from "./path-figures.js";
import { format } from "./table.js";

export const PROSODY: GatewayServer<"prosody"> = { key: "prosody", label: "Prosody" };

/** CPU seconds used during one phase, by process. */
export type CpuSample = GatewayCpuSample<"prosody">;

export type PathId =
  | "xmpp-direct"
  | "relay-native-to-xmpp"
  | "relay-xmpp-to-native"
  | "native-to-xmpp"
  | "xmpp-to-native"
  | "muc"
  | "room-native-to-xmpp"
  | "room-xmpp-to-native";

export type PathResult = GatewayPathResult<PathId, "prosody">;

export interface XmppRunResult {
  readonly paths: readonly PathResult[];
}

export interface XmppTargets {
  /** The most a gateway path may add to the direct path's p50, as a fraction (0.10 = 10%). */
  readonly addedP50Fraction: number;
  /** Messages per second a gateway path must sustain, with Prosody (not the daemon) the limit. */
  readonly throughput: number;
}

/** A path; its floor, besides the direct path, is the relay's same path or Prosody's MUC. */
export type PathInfo = GatewayPathInfo<PathId>;

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

let cpuCount = 2;

/** The machine's number of cores, for limitOf. */
export function setCpuCount(count: number): void {
  cpuCount = count;
}

/**
 * What limited a burst: the machine when its cores were busy (80% of its capacity or more), else the process
 * nearest a full core (for the gateway, its event-loop thread), else nothing (the window and latency did).
 */
function limitOf(f: PathFigures, gatewayName: string): string {
  return cpuLimit(f, cpuCount, [
    ["Prosody", f.serverShare],
    [gatewayName, f.gatewayMainShare],
    ["generator", f.generatorShare],
  ]);
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
  return latencyTargets(PATHS, runs, "xmpp-direct", PROSODY.key, targets.addedP50Fraction).map(({ path, f, allowed, met: latencyMet }) => {
    const cheaper = f.gatewayMsPer1000 <= f.serverMsPer1000;
    const throughputMet = f.throughput >= targets.throughput && cheaper;
    const text = [
      `p50 ${format(f.p50, 2)} ms vs ${format(allowed, 2)} allowed: ${latencyMet ? "met" : "MISSED"}`,
      `${format(f.throughput, 0)} msg/s (${f.throughput >= targets.throughput ? ">=" : "<"} ${targets.throughput.toLocaleString("en-US")}), ` +
        `CPU per 1k msgs Switchboard ${format(f.gatewayMsPer1000, 1)} ms vs Prosody ${format(f.serverMsPer1000, 1)} ms, observed limit ${limitOf(f, "Switchboard")}: ` +
        `${throughputMet ? "met" : "MISSED"}`,
    ].join("; ");
    return { path: path.id, label: path.label, latencyMet, throughputMet, text };
  });
}

/** The results table, in Markdown: figures are medians over the runs. "GW" is the daemon or the relay. */
export function xmppResultsTable(runs: readonly XmppRunResult[], rate: number): string {
  return pathResultsTable(PATHS, runs, rate, PROSODY, {
    direct: "xmpp-direct",
    floorHeading: "p50 vs relay or MUC",
    pacedOther: false,
    limit: (f, path) => limitOf(f, path.gateway === "relay" ? "relay" : "Switchboard"),
  });
}
