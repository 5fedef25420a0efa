/**
 * `npm run bench`: direct messages through the Switchboard daemon's native protocol, beside a plain `ws` relay
 * (bench/ws-relay-baseline.ts) measured in the same run with the same clients. docs/performance.md explains
 * what is measured and records the figures.
 *
 * For each server, started as its own process:
 *   1. 10 senders log in; RSS is read; 1,000 idle clients log in (the first 10 are the receivers); RSS again.
 *   2. Warm-up burst, then throughput: each sender sends N messages to its receiver with a window of W
 *      unacknowledged ones; messages/s delivered, from the first send to the last receipt.
 *   3. Latency at a steady 1,000 msg/s in total (round-robin over the senders, drift-corrected pacing):
 *      p50/p95/p99 from send to receipt, both measured with performance.now() in this process.
 *   Every message is checked to arrive exactly once and in order per sender.
 *
 * Options: --runs N (medians over N runs), --messages N per sender, --window W, --rate R msg/s, --seconds S,
 * --idle N, --senders N, --json FILE (raw results), --cpu-prof DIR (V8 CPU profile of the daemon),
 * --daemon-root DIR (run the daemon from another checkout, to compare a change against the same baseline).
 */
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import type { WebSocket } from "ws";
import { machineDescription } from "./bench-environment.js";
import { benchResources, log, logHeader, repeatRuns, resultsHeading, runBench, saveResults } from "./bench-main.js";
import { integer, loadOptions, outputAndDaemonOptions, parseOptions, RUNS_OPTION, type OptionValues } from "./bench-options.js";
import { cpuSeconds, machineBusySeconds, openFilesLimit, rssKiB, type Resources } from "./child-processes.js";
import { IdleWatch, Traffic } from "./load-generator.js";
import { openSessions } from "./native-session.js";
import { describePhase } from "./phase-summary.js";
import { missedTargets, resultsTable, type CpuUse, type RunResult, type ScenarioResult, type Targets } from "./report.js";
import { startBaseline, startSwitchboard, type ServerUnderTest } from "./servers.js";
import type { PhaseResult } from "./traffic-phase.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PASSWORD = "bench-password";
const TARGETS: Targets = { throughput: 20_000, addedP99Ms: 5, rssPerClientKiB: 30 };
const CONNECT_CONCURRENCY = 50;
const STALL_MS = 10_000;
const SETTLE_MS = 1000;
/** Per-connection frame rate configured in the daemon: the default of 100/s would cap each sender at 100 msg/s. */
const FRAMES_PER_SECOND = 100_000;

const OPTIONS = {
  ...RUNS_OPTION,
  ...loadOptions({ messages: 5000, warmup: 500, window: 100, rate: 1000, seconds: 10 }),
  idle: integer(1000, 1),
  senders: integer(10, 1),
  ...outputAndDaemonOptions(ROOT),
};

type Options = OptionValues<typeof OPTIONS>;

function options(): Options {
  const result = parseOptions(OPTIONS);
  if (result.senders > result.idle) throw new Error("--senders must not exceed --idle (receivers are idle clients)");
  return result;
}

/** prefix0..prefixN-1, zero-padded to one width. */
function names(prefix: string, count: number): string[] {
  const digits = String(count - 1).length;
  return Array.from({ length: count }, (_, index) => `${prefix}${String(index).padStart(digits, "0")}`);
}

async function measured(pid: number, phase: () => Promise<PhaseResult>): Promise<{ result: PhaseResult; cpu: CpuUse }> {
  const server0 = cpuSeconds(pid);
  const generator0 = process.cpuUsage();
  const machine0 = machineBusySeconds();
  const wall0 = performance.now();
  const result = await phase();
  const usage = process.cpuUsage(generator0);
  const server = cpuSeconds(pid) - server0;
  const generator = (usage.user + usage.system) / 1e6;
  const other = Math.max(0, machineBusySeconds() - machine0 - server - generator);
  return { result, cpu: { server, generator, other, wallSeconds: (performance.now() - wall0) / 1000 } };
}

async function scenario(server: ServerUnderTest, opts: Options): Promise<ScenarioResult> {
  const sockets: WebSocket[] = [];
  try {
    const senderNames = names("sender-", opts.senders);
    const idleNames = names("user-", opts.idle);
    const senders = await openSessions(server.url, senderNames, PASSWORD, CONNECT_CONCURRENCY);
    sockets.push(...senders);
    await sleep(SETTLE_MS);
    const rssBeforeKiB = rssKiB(server.pid);
    const connectStart = performance.now();
    const idle = await openSessions(server.url, idleNames, PASSWORD, CONNECT_CONCURRENCY);
    sockets.push(...idle);
    const connectSeconds = (performance.now() - connectStart) / 1000;
    await sleep(SETTLE_MS);
    const rssIdleKiB = rssKiB(server.pid);
    log(`  ${server.name} (pid ${server.pid}): ${opts.idle} idle clients logged in in ${connectSeconds.toFixed(1)} s; RSS ${(rssBeforeKiB / 1024).toFixed(1)} -> ${(rssIdleKiB / 1024).toFixed(1)} MiB`);

    const receivers = idle.slice(0, opts.senders);
    const watch = new IdleWatch();
    watch.watch(idle.slice(opts.senders));
    const traffic = new Traffic(senders, receivers, idleNames.slice(0, opts.senders).map((name) => `native:${name}`));
    if (opts.warmup > 0) log(`  ${server.name}: warm-up ${describePhase(await traffic.burst(opts.warmup, opts.window, STALL_MS))}`);
    await sleep(SETTLE_MS / 2);
    const throughput = await measured(server.pid, () => traffic.burst(opts.messages, opts.window, STALL_MS));
    log(`  ${server.name}: throughput ${describePhase(throughput.result)}`);
    await sleep(SETTLE_MS);
    const paced = await measured(server.pid, () => traffic.paced(opts.rate, opts.seconds, STALL_MS));
    log(`  ${server.name}: paced ${describePhase(paced.result)}`);
    const rssAfterLoadKiB = rssKiB(server.pid);
    if (watch.closed > 0 || watch.frames > 0) log(`  ${server.name}: idle clients lost ${watch.closed} connections and received ${watch.frames} frames`);
    return {
      name: server.name,
      idleClients: opts.idle,
      rssBeforeKiB,
      rssIdleKiB,
      rssAfterLoadKiB,
      connectSeconds,
      throughput: throughput.result,
      throughputCpu: throughput.cpu,
      paced: paced.result,
      pacedCpu: paced.cpu,
      idleFrames: watch.frames,
      connectionsLost: watch.closed,
      serverProblems: [...server.process.problems],
    };
  } finally {
    for (const socket of sockets) socket.terminate();
  }
}

async function run(resources: Resources, opts: Options, index: number): Promise<RunResult> {
  const baselineServer = await startBaseline(resources, ROOT);
  let baseline: ScenarioResult;
  try {
    baseline = await scenario(baselineServer, opts);
  } finally {
    await baselineServer.stop();
  }
  const users = [...names("sender-", opts.senders), ...names("user-", opts.idle)];
  const profileDir = opts.cpuProfileDir && index === 0 ? opts.cpuProfileDir : undefined;
  const daemon = await startSwitchboard(resources, opts.daemonRoot, { users, password: PASSWORD, framesPerSecond: FRAMES_PER_SECOND, cpuProfileDir: profileDir });
  let switchboard: ScenarioResult;
  try {
    switchboard = await scenario(daemon, opts);
  } finally {
    await daemon.stop();
  }
  for (const problem of switchboard.serverProblems.slice(0, 10)) log(`  daemon said: ${problem}`);
  return { switchboard, baseline };
}

const machine = (): string => machineDescription();

async function main(): Promise<void> {
  const opts = options();
  // Each run takes well under a minute and a half on a 2-core machine; a hang must not outlive that by much.
  const resources = benchResources("bench", opts.runs * 150_000 + 30_000);
  const needed = opts.idle + 2 * opts.senders + 100;
  if (openFilesLimit() < needed) throw new Error(`the open-files limit is ${openFilesLimit()}; ${needed} are needed: run \`ulimit -n 4096\` first`);

  logHeader("Switchboard native protocol, direct messages: daemon vs plain ws relay", machine(), opts.daemonRoot);
  log(
    `load: ${opts.senders} senders -> ${opts.senders} receivers among ${opts.idle} logged-in clients; ` +
      `burst ${opts.messages}/sender, window ${opts.window}; paced ${opts.rate} msg/s for ${opts.seconds} s; ` +
      `one generator process (senders, receivers and idle clients); daemon rate_limit ${FRAMES_PER_SECOND} frames/s`,
  );
  const runs = await repeatRuns(opts.runs, (index) => run(resources, opts, index));

  log("");
  log(`${resultsHeading(opts.runs)}:`);
  log(resultsTable(runs, TARGETS, opts.rate));
  const missed = missedTargets(runs, TARGETS, opts.rate);
  log(missed.length === 0 ? "All targets met." : `Targets missed: ${missed.join("; ")}`);
  const generatorBound = runs.some((r) => r.baseline.throughputCpu.generator / r.baseline.throughputCpu.wallSeconds > 0.9);
  const busy = runs.some((r) => [r.baseline, r.switchboard].some((s) => s.throughputCpu.other / s.throughputCpu.wallSeconds > 0.25));
  if (busy) log("Warning: other processes (or interrupts) used over 25% of a core during a burst: the machine was not quiet; figures are disturbed.");
  if (generatorBound) log("Note: the generator used over 90% of a core during the baseline burst: the baseline throughput is a floor set by the generator.");
  saveResults(opts, machine, opts, runs);
}

runBench("bench", main);
