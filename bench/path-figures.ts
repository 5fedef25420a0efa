/**
 * The results of the gateway benches (bench/xmpp-report.ts, bench/irc-report.ts) share their shape: one row per
 * path, the direct baseline (client -> server -> client) first, each gateway path beside it and beside its floor,
 * with CPU by process, latency and correctness. This module computes a path's figures (medians over the runs),
 * what limited its burst, its p50 against a baseline and its latency target, and lays out the table, so that the
 * two benches print the same columns computed the same way; each report names its paths, its server and its
 * other targets.
 */
import type { GatewayCpuSample, GatewayPathResult } from "./gateway-phases.js";
import { otherSeconds } from "./gateway-phases.js";
import { medianRecord } from "./medians.js";
import { correctnessText } from "./phase-summary.js";
import { format, markdownTable } from "./table.js";

export interface GatewayPathInfo<Id extends string> {
  readonly id: Id;
  readonly label: string;
  /** Which process serves the native side: none (a direct path), the relay floor or the daemon. */
  readonly gateway: "none" | "relay" | "daemon";
  /** The floor this path is compared with besides the direct path. */
  readonly floor?: Id;
  /** A gateway path with targets. */
  readonly targets?: true;
}

export interface GatewayRunResult<Id extends string, S extends string> {
  readonly paths: readonly GatewayPathResult<Id, S>[];
}

/** A path's figures in one run, or their medians over the runs. Shares are % of one core. */
export interface PathFigures {
  readonly throughput: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly gatewayShare: number;
  readonly gatewayMainShare: number;
  /** Prosody's or ngIRCd's. */
  readonly serverShare: number;
  readonly generatorShare: number;
  readonly machineShare: number;
  /** Busy CPU of the machine beyond the gateway, the server and the generator: other processes. */
  readonly otherShare: number;
  readonly gatewayMsPer1000: number;
  readonly serverMsPer1000: number;
  readonly pacedGatewayShare: number;
  readonly pacedServerShare: number;
  readonly pacedOtherShare: number;
}

const share = (seconds: number, wall: number): number => (wall > 0 ? (100 * seconds) / wall : Number.NaN);
const perThousand = (seconds: number, messages: number): number => (messages > 0 ? (1e6 * seconds) / messages : Number.NaN);

function figures<Id extends string, S extends string>(path: GatewayPathResult<Id, S>, server: S): PathFigures {
  const { burst, burstCpu: cpu, paced, pacedCpu } = path;
  return {
    throughput: burst.deliveredPerSecond,
    p50: paced.latency?.p50 ?? Number.NaN,
    p95: paced.latency?.p95 ?? Number.NaN,
    p99: paced.latency?.p99 ?? Number.NaN,
    max: paced.latency?.max ?? Number.NaN,
    gatewayShare: share(cpu.gateway, cpu.wallSeconds),
    gatewayMainShare: share(cpu.gatewayMain, cpu.wallSeconds),
    serverShare: share(cpu[server], cpu.wallSeconds),
    generatorShare: share(cpu.generator, cpu.wallSeconds),
    machineShare: share(cpu.machine, cpu.wallSeconds),
    otherShare: share(Math.max(0, otherSeconds(cpu, server)), cpu.wallSeconds),
    gatewayMsPer1000: perThousand(cpu.gateway, burst.delivered),
    serverMsPer1000: perThousand(cpu[server], burst.delivered),
    pacedGatewayShare: share(pacedCpu.gateway, pacedCpu.wallSeconds),
    pacedServerShare: share(pacedCpu[server], pacedCpu.wallSeconds),
    pacedOtherShare: share(Math.max(0, otherSeconds(pacedCpu, server)), pacedCpu.wallSeconds),
  };
}

/** The medians over the runs of a path's figures; undefined when no run measured the path. */
export function medianFigures<Id extends string, S extends string>(runs: readonly GatewayRunResult<Id, S>[], id: Id, server: S): PathFigures | undefined {
  const all = runs.map((run) => run.paths.find((path) => path.id === id)).filter((path): path is GatewayPathResult<Id, S> => path !== undefined);
  return medianRecord(all.map((path) => figures(path, server)));
}

/**
 * What limited a burst: the machine when its cores were busy (80% of its capacity or more), else the process
 * nearest a full core among `candidates` (name and share, the first on a tie), else nothing (the window and
 * latency did).
 */
export function cpuLimit(f: PathFigures, cpuCount: number, candidates: Array<[string, number]>): string {
  const capacity = 100 * cpuCount;
  if (f.machineShare >= 0.8 * capacity) return `machine (${Math.round(f.machineShare)}% of ${capacity})`;
  candidates.sort((a, b) => b[1] - a[1]);
  const [name, value] = candidates[0] as [string, number];
  return value >= 85 ? name : "none (window)";
}

/** The p50 of a path against a baseline's, as "+x.xx (+y%)". */
function added(f: PathFigures, base: PathFigures | undefined): string {
  if (!base) return "";
  const ms = f.p50 - base.p50;
  const sign = ms >= 0 ? "+" : "";
  return `${sign}${format(ms, 2)} (${sign}${format((100 * ms) / base.p50, 0)}%)`;
}

/** How a report lays out its table. */
export interface PathTable<Id extends string> {
  /** The direct baseline's path. */
  readonly direct: Id;
  /** The heading of the column comparing a path's p50 with its floor's. */
  readonly floorHeading: string;
  /** Whether the paced CPU column also shows the other processes' share. */
  readonly pacedOther: boolean;
  /** What limited a path's burst (cpuLimit, or a limit of the configuration). */
  readonly limit: (f: PathFigures, path: GatewayPathInfo<Id>) => string;
}

/** The results table of the paths measured, in Markdown: figures are medians over the runs. "GW" is the daemon or the relay. */
export function pathResultsTable<Id extends string, S extends string>(
  paths: readonly GatewayPathInfo<Id>[],
  runs: readonly GatewayRunResult<Id, S>[],
  rate: number,
  server: { readonly key: S; readonly label: string },
  layout: PathTable<Id>,
): string {
  const direct = medianFigures(runs, layout.direct, server.key);
  const body: string[][] = [];
  for (const path of paths) {
    const f = medianFigures(runs, path.id, server.key);
    if (!f) continue;
    const floor = path.floor ? medianFigures(runs, path.floor, server.key) : undefined;
    const gw = (text: string): string => (path.gateway === "none" ? "-" : text);
    const pacedOther = layout.pacedOther ? ` / ${format(f.pacedOtherShare, 0)}` : "";
    body.push([
      path.label,
      format(f.throughput, 0),
      `${gw(format(f.gatewayShare, 0))} / ${format(f.serverShare, 0)} / ${format(f.generatorShare, 0)} / ${format(f.otherShare, 0)}`,
      `${gw(format(f.gatewayMsPer1000, 1))} / ${format(f.serverMsPer1000, 1)}`,
      layout.limit(f, path),
      `${format(f.p50, 2)} / ${format(f.p95, 2)} / ${format(f.p99, 2)}`,
      path.id === layout.direct ? "" : added(f, direct),
      floor ? added(f, floor) : "",
      `${gw(format(f.pacedGatewayShare, 1))} / ${format(f.pacedServerShare, 1)}${pacedOther}`,
      correctnessText(runs.flatMap((run) => run.paths.filter((p) => p.id === path.id).flatMap((p) => [p.burst, p.paced]))),
    ]);
  }
  return markdownTable(
    [
      "path",
      "burst msg/s",
      `burst CPU % GW / ${server.label} / gen / other`,
      `CPU ms per 1k msgs GW / ${server.label}`,
      "burst limit",
      `p50 / p95 / p99 ms at ${rate}/s`,
      "p50 vs direct",
      layout.floorHeading,
      `CPU % at ${rate}/s GW / ${server.label}${layout.pacedOther ? " / other" : ""}`,
      "lost/dup/reord/err/stray",
    ],
    body,
  );
}

/** A gateway path with targets, with its figures, the direct path's, and the p50 it is allowed. */
export interface LatencyTarget<Id extends string> {
  readonly path: GatewayPathInfo<Id>;
  readonly f: PathFigures;
  readonly direct: PathFigures;
  /** The direct path's p50 x (1 + the fraction a gateway may add). */
  readonly allowed: number;
  readonly met: boolean;
}

/** The latency target of each gateway path with targets: p50 within 1 + `addedP50Fraction` of the direct path's. */
export function latencyTargets<Id extends string, S extends string>(
  paths: readonly GatewayPathInfo<Id>[],
  runs: readonly GatewayRunResult<Id, S>[],
  directId: Id,
  server: S,
  addedP50Fraction: number,
): LatencyTarget<Id>[] {
  const direct = medianFigures(runs, directId, server);
  const targets: LatencyTarget<Id>[] = [];
  for (const path of paths) {
    if (!path.targets) continue;
    const f = medianFigures(runs, path.id, server);
    if (!f || !direct) continue;
    const allowed = direct.p50 * (1 + addedP50Fraction);
    targets.push({ path, f, direct, allowed, met: f.p50 <= allowed });
  }
  return targets;
}

/** The phases ("burst", "paced") during which other processes used over 25% of a core, in any run. */
export function busyPhases<Id extends string, S extends string>(runs: readonly GatewayRunResult<Id, S>[], server: S): Array<"burst" | "paced"> {
  const busy = (cpu: GatewayCpuSample<S>): boolean => otherSeconds(cpu, server) / cpu.wallSeconds > 0.25;
  const phases: Array<"burst" | "paced"> = [];
  if (runs.some((run) => run.paths.some((path) => busy(path.burstCpu)))) phases.push("burst");
  if (runs.some((run) => run.paths.some((path) => busy(path.pacedCpu)))) phases.push("paced");
  return phases;
}
