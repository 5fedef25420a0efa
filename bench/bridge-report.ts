/**
 * The results of bench/bridge.ts: the table of every path (bench/path-figures.ts, as the XMPP and IRC benches print
 * it: the two direct legs first, then each gateway configuration both ways), the comparison of each Switchboard
 * configuration with the Biboumi configuration it matches (ratios, and the targets met or MISSED), and the memory
 * per bridged user. With several runs every figure is the median over the runs; lost and reordered are summed.
 */
import { cpus } from "node:os";
import type { GatewayCpuSample, GatewayPathResult, GatewayServer } from "./gateway-phases.js";
import { median } from "./medians.js";
import { cpuLimit, medianFigures, pathResultsTable, type GatewayPathInfo } from "./path-figures.js";
import { format, markdownTable } from "./table.js";

/** Prosody and ngIRCd: a bridged message crosses both, so their CPU is counted together. */
export const SERVERS: GatewayServer<"servers"> = { key: "servers", label: "Prosody+ngIRCd" };

export type CpuSample = GatewayCpuSample<"servers">;

export type GatewayId = "switchboard-log" | "switchboard-nolog" | "biboumi-defaults" | "biboumi-tuned";
export type Direction = "irc-to-xmpp" | "xmpp-to-irc";
export type BridgePathId = "irc-direct" | "muc-direct" | `${GatewayId}:${Direction}`;
export type BridgePathResult = GatewayPathResult<BridgePathId, "servers">;

/** RSS of a gateway process before and after `users` XMPP users joined the bridged room. */
export interface UserMemory {
  readonly users: number;
  readonly rssBeforeKiB: number;
  readonly rssAfterKiB: number;
}

export interface BridgeRunResult {
  readonly paths: readonly BridgePathResult[];
  readonly memory: Partial<Record<GatewayId, UserMemory>>;
}

export interface GatewayInfo {
  readonly id: GatewayId;
  readonly label: string;
}

export const GATEWAYS: readonly GatewayInfo[] = [
  { id: "switchboard-log", label: "Switchboard, message log on" },
  { id: "biboumi-defaults", label: "Biboumi, history recorded (its default)" },
  { id: "switchboard-nolog", label: "Switchboard, message log off" },
  { id: "biboumi-tuned", label: "Biboumi, history off" },
];

/** Each Switchboard configuration and the Biboumi configuration it is held against. */
export const MATCHES: ReadonlyArray<readonly [GatewayId, GatewayId]> = [
  ["switchboard-log", "biboumi-defaults"],
  ["switchboard-nolog", "biboumi-tuned"],
];

export const DIRECTIONS: ReadonlyArray<{ readonly id: Direction; readonly label: string }> = [
  { id: "irc-to-xmpp", label: "IRC -> XMPP" },
  { id: "xmpp-to-irc", label: "XMPP -> IRC" },
];

export const PATHS: readonly GatewayPathInfo<BridgePathId>[] = [
  { id: "irc-direct", label: "IRC channel, client -> ngIRCd -> client (direct leg)", gateway: "none" },
  { id: "muc-direct", label: "XMPP MUC, client -> Prosody -> client (direct leg)", gateway: "none" },
  ...GATEWAYS.flatMap((gateway) => DIRECTIONS.map((direction) => ({ id: `${gateway.id}:${direction.id}` as const, label: `${gateway.label}: ${direction.label}`, gateway: "daemon" as const, floor: "muc-direct" as const }))),
];

/** The table of every path, as the other gateway benches print theirs ("GW" is the gateway under test). */
export function bridgeResultsTable(runs: readonly BridgeRunResult[], rate: number): string {
  return pathResultsTable(PATHS, runs, rate, SERVERS, {
    direct: "irc-direct",
    floorHeading: "p50 vs MUC leg",
    pacedOther: true,
    limit: (f) => cpuLimit(f, cpus().length, [["GW", f.gatewayShare], [SERVERS.label, f.serverShare], ["generator", f.generatorShare]]),
  });
}

const perUserKiB = (memory: UserMemory): number => (memory.rssAfterKiB - memory.rssBeforeKiB) / memory.users;

/** KiB of gateway RSS per bridged user, median over the runs; NaN when not measured. */
export function rssPerUser(runs: readonly BridgeRunResult[], gateway: GatewayId): number {
  return median(runs.flatMap((run) => (run.memory[gateway] ? [perUserKiB(run.memory[gateway])] : [])));
}

function lostAndReordered(runs: readonly BridgeRunResult[], id: BridgePathId): { lost: number; reordered: number; duplicated: number } {
  const phases = runs.flatMap((run) => run.paths.filter((path) => path.id === id).flatMap((path) => [path.burst, path.paced]));
  return {
    lost: phases.reduce((sum, phase) => sum + phase.lost, 0),
    reordered: phases.reduce((sum, phase) => sum + phase.reordered, 0),
    duplicated: phases.reduce((sum, phase) => sum + phase.duplicated, 0),
  };
}

export interface TargetCheck {
  readonly label: string;
  readonly met: boolean;
  readonly text: string;
}

interface Comparison {
  readonly rows: string[][];
  readonly checks: TargetCheck[];
}

const ratio = (a: number, b: number): string => (b > 0 && Number.isFinite(a) ? `${format(a / b, 2)}x` : "-");

/** One row per Switchboard configuration and direction: its figures, Biboumi's, the ratios; and the targets. */
function compare(runs: readonly BridgeRunResult[]): Comparison {
  const rows: string[][] = [];
  const checks: TargetCheck[] = [];
  const label = (id: GatewayId): string => GATEWAYS.find((gateway) => gateway.id === id)?.label ?? id;
  for (const [ours, theirs] of MATCHES) {
    for (const direction of DIRECTIONS) {
      const sbId: BridgePathId = `${ours}:${direction.id}`;
      const bbId: BridgePathId = `${theirs}:${direction.id}`;
      const sb = medianFigures(runs, sbId, SERVERS.key);
      const bb = medianFigures(runs, bbId, SERVERS.key);
      if (!sb || !bb) continue;
      const sbCount = lostAndReordered(runs, sbId);
      const bbCount = lostAndReordered(runs, bbId);
      const cell = (sbValue: string, bbValue: string, r: string): string => `${sbValue} / ${bbValue} (${r})`;
      rows.push([
        `${label(ours)} vs ${label(theirs)}: ${direction.label}`,
        cell(format(sb.throughput, 0), format(bb.throughput, 0), ratio(sb.throughput, bb.throughput)),
        cell(format(sb.p50, 2), format(bb.p50, 2), ratio(sb.p50, bb.p50)),
        `${format(sb.p95, 2)} / ${format(bb.p95, 2)}`,
        `${format(sb.p99, 2)} / ${format(bb.p99, 2)}`,
        cell(format(sb.gatewayMsPer1000, 1), format(bb.gatewayMsPer1000, 1), ratio(sb.gatewayMsPer1000, bb.gatewayMsPer1000)),
        `${sbCount.lost}/${sbCount.reordered} / ${bbCount.lost}/${bbCount.reordered}`,
      ]);
      const name = `${label(ours)}, ${direction.label}`;
      const verdict = (met: boolean): string => (met ? "met" : "MISSED");
      const p50Met = sb.p50 <= bb.p50;
      const cpuMet = sb.gatewayMsPer1000 <= bb.gatewayMsPer1000;
      const throughputMet = sb.throughput >= bb.throughput;
      const cleanMet = sbCount.lost === 0 && sbCount.reordered === 0 && sbCount.duplicated === 0;
      checks.push(
        { label: `${name}: p50 <= Biboumi's`, met: p50Met, text: `${format(sb.p50, 2)} vs ${format(bb.p50, 2)} ms: ${verdict(p50Met)}` },
        { label: `${name}: CPU per message <= Biboumi's`, met: cpuMet, text: `${format(sb.gatewayMsPer1000, 1)} vs ${format(bb.gatewayMsPer1000, 1)} ms per 1,000: ${verdict(cpuMet)}` },
        { label: `${name}: throughput >= Biboumi's`, met: throughputMet, text: `${format(sb.throughput, 0)} vs ${format(bb.throughput, 0)} msg/s: ${verdict(throughputMet)}` },
        { label: `${name}: nothing lost, duplicated or reordered`, met: cleanMet, text: `${sbCount.lost} lost, ${sbCount.duplicated} duplicated, ${sbCount.reordered} reordered: ${verdict(cleanMet)}` },
      );
    }
  }
  return { rows, checks };
}

/** The comparison table (Switchboard / Biboumi (ratio)) and the memory per bridged user. */
export function comparisonTable(runs: readonly BridgeRunResult[], rate: number): string {
  const { rows } = compare(runs);
  const memoryRows = MATCHES.map(([ours, theirs]) => {
    const sb = rssPerUser(runs, ours);
    const bb = rssPerUser(runs, theirs);
    const users = runs[0]?.memory[ours]?.users ?? 0;
    return [`RSS per bridged user (${users} XMPP users joined), ${ours} vs ${theirs}`, `${format(sb, 1)} / ${format(bb, 1)} KiB (${ratio(sb, bb)})`];
  });
  return [
    markdownTable(["Switchboard / Biboumi (ratio)", "burst msg/s", `p50 ms at ${rate}/s`, "p95 ms", "p99 ms", "gateway CPU ms per 1k msgs", "lost/reordered"], rows),
    "",
    markdownTable(["memory", "Switchboard / Biboumi (ratio)"], memoryRows),
  ].join("\n");
}

export function targetChecks(runs: readonly BridgeRunResult[]): TargetCheck[] {
  return compare(runs).checks;
}
