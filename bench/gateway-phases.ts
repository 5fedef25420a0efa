/**
 * How the gateway benches (bench/xmpp.ts, bench/irc.ts) measure one path: a warm-up burst, then a burst for
 * throughput and a paced phase for latency, each measured with the CPU it cost every process (the gateway, all its
 * threads and its event-loop thread; the server it bridges to, Prosody or ngIRCd; the generator; the whole
 * machine, from /proc) and logged as it ends. Both benches measure alike, so their tables compare.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { log } from "./bench-main.js";
import type { MessageLoad } from "./bench-options.js";
import { cpuSeconds, machineBusySeconds, threadCpuSeconds } from "./child-processes.js";
import { describePhase } from "./phase-summary.js";
import type { PhaseResult } from "./traffic-phase.js";
import type { PathTraffic } from "./xmpp-traffic.js";

/** A phase is over when nothing moved for this long. */
const STALL_MS = 5000;
/** The pause between phases. */
const SETTLE_MS = 500;

/** The server a gateway bridges to: its key in a CPU sample (and the JSON results), and its name in the output. */
export interface GatewayServer<S extends string> {
  readonly key: S;
  readonly label: string;
}

/** CPU seconds used during one phase, by process; the server's under its key. */
export type GatewayCpuSample<S extends string> = {
  /** The gateway process (the daemon, or the relay floor), all threads (the SQLite checkpointer is a worker thread). */
  readonly gateway: number;
  /** The gateway's main thread: the event loop. */
  readonly gatewayMain: number;
  /** The load generator (this process). */
  readonly generator: number;
  /** The whole machine (all cores), busy time. */
  readonly machine: number;
  readonly wallSeconds: number;
} & { readonly [K in S]: number };

export interface GatewayPids {
  /** The daemon or the relay floor. */
  readonly gateway: number;
  /** Prosody or ngIRCd, or both (their CPU is summed). */
  readonly server: number | readonly number[];
}

export interface GatewayPathResult<Id extends string, S extends string> {
  readonly id: Id;
  readonly burst: PhaseResult;
  readonly burstCpu: GatewayCpuSample<S>;
  readonly paced: PhaseResult;
  readonly pacedCpu: GatewayCpuSample<S>;
}

/** The load a path is measured with: the bench's options. */
export interface PathLoad extends MessageLoad {
  readonly pairs: number;
}

/** CPU seconds of the machine beyond the gateway, the server and the generator: other processes. */
export function otherSeconds<S extends string>(cpu: GatewayCpuSample<S>, server: S): number {
  return cpu.machine - cpu.gateway - cpu[server] - cpu.generator;
}

function serverSeconds(server: number | readonly number[]): number {
  return (typeof server === "number" ? [server] : server).reduce((total, pid) => total + cpuSeconds(pid), 0);
}

/** Runs `phase`, and samples the CPU time of every process around it. */
async function measured<S extends string>(pids: GatewayPids, server: S, phase: () => Promise<PhaseResult>): Promise<{ result: PhaseResult; cpu: GatewayCpuSample<S> }> {
  const gateway0 = cpuSeconds(pids.gateway);
  const main0 = threadCpuSeconds(pids.gateway, pids.gateway);
  const server0 = serverSeconds(pids.server);
  const generator0 = process.cpuUsage();
  const machine0 = machineBusySeconds();
  const wall0 = performance.now();
  const result = await phase();
  const wallSeconds = (performance.now() - wall0) / 1000;
  const usage = process.cpuUsage(generator0);
  const cpu = {
    gateway: cpuSeconds(pids.gateway) - gateway0,
    gatewayMain: threadCpuSeconds(pids.gateway, pids.gateway) - main0,
    [server]: serverSeconds(pids.server) - server0,
    generator: (usage.user + usage.system) / 1e6,
    machine: machineBusySeconds() - machine0,
    wallSeconds,
  } as GatewayCpuSample<S>;
  return { result, cpu };
}

/** The log line of a phase: its result, then each process's CPU use as a share of one core. */
function describeGatewayPhase<S extends string>(result: PhaseResult, cpu: GatewayCpuSample<S>, server: GatewayServer<S>): string {
  const share = (seconds: number): string => `${Math.round((100 * seconds) / cpu.wallSeconds)}%`;
  return (
    `${describePhase(result)}; ` +
    `CPU gateway ${share(cpu.gateway)} (main ${share(cpu.gatewayMain)}), ${server.label} ${share(cpu[server.key])}, gen ${share(cpu.generator)}, machine ${share(cpu.machine)}`
  );
}

/** Measures one path: warm-up (logged only when incomplete), burst and paced phase, with pauses between them. */
export async function measurePathPhases<Id extends string, S extends string>(
  path: { readonly id: Id; readonly label: string },
  traffic: PathTraffic,
  pids: GatewayPids,
  server: GatewayServer<S>,
  load: PathLoad,
): Promise<GatewayPathResult<Id, S>> {
  const perPair = (total: number): number => Math.max(1, Math.round(total / load.pairs));
  if (load.warmup > 0) {
    const warm = await measured(pids, server.key, () => traffic.burst(perPair(load.warmup), load.window, STALL_MS));
    if (!warm.result.complete) log(`  ${path.id}: warm-up ${describeGatewayPhase(warm.result, warm.cpu, server)}`);
  }
  await sleep(SETTLE_MS);
  const burst = await measured(pids, server.key, () => traffic.burst(perPair(load.messages), load.window, STALL_MS));
  log(`  ${path.label}\n    burst:  ${describeGatewayPhase(burst.result, burst.cpu, server)}`);
  await sleep(SETTLE_MS);
  const paced = await measured(pids, server.key, () => traffic.paced(load.rate, load.seconds, STALL_MS));
  log(`    paced:  ${describeGatewayPhase(paced.result, paced.cpu, server)}`);
  await sleep(SETTLE_MS / 2);
  return { id: path.id, burst: burst.result, burstCpu: burst.cpu, paced: paced.result, pacedCpu: paced.cpu };
}
