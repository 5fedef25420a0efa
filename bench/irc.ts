/**
 * `npm run bench:irc`: the IRC paths through the Switchboard daemon, against a real ngIRCd started here, beside the
 * same traffic between two IRC clients in a channel of that ngIRCd (the baseline) and through a do-nothing relay
 * (the floor), measured in the same run with the same clients; and the memory each puppet connection costs the
 * daemon. docs/performance.md ("IRC paths") explains what is measured and records the figures.
 *
 * Paths, each with P pairs (one sender, one receiver, each its own connection):
 *   - IRC channel, client a<i> -> #direct<i> -> client b<i> (baseline)
 *   - the relay floor both ways (bench/irc-relay-baseline.ts: a WebSocket server with a puppet connection per user)
 *   - native -> IRC: `room.send` into room bench<i>, bridged to #bench<i>, received by b<i> from the puppet
 *   - IRC -> native: a<i> says in #bench<i>, the native member receives the `message` push
 * For each: throughput (a burst with an end-to-end window), latency p50/p95/p99 at a steady paced rate, lost,
 * duplicated and reordered messages, and the CPU used by the gateway, ngIRCd and the generator (/proc). Then a
 * fresh daemon, N native users in one bridged room: the daemon's RSS with one puppet, and with N once each user
 * has spoken, after a full GC (through the V8 inspector); (after - before) / (N - 1) per puppet.
 *
 * Options: --runs N (medians over N runs), --pairs P, --messages N (per path, in total), --warmup N, --window W
 * (per pair), --rate R msg/s, --seconds S, --puppets N (0: no memory stage), --json FILE, --cpu-prof DIR (V8 CPU
 * profile of the daemon of the message paths, run 1), --daemon-root DIR (the daemon from another checkout).
 *
 * 100 pairs by default: the daemon's flood control allows each puppet at most 100 lines/s (the schema's maximum),
 * so with P pairs native -> IRC cannot exceed about P x 100 msg/s; with 100 the burst measures the daemon, not
 * the configured limit (the table says "flood control" when a burst came within 10% of it).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import type { RawData, WebSocket } from "ws";
import { startNgircd, type IrcServer } from "../test/helpers/irc-servers.js";
import { cpuSeconds, machineBusySeconds, Resources, rssKiB } from "./child-processes.js";
import { busyPhases, ircResultsTable, ircTargetChecks, IRC_PATHS, memoryTable, type IrcCpuSample, type IrcLimits, type IrcPathId, type IrcPathResult, type IrcRunResult, type IrcTargets, type PuppetMemory } from "./irc-report.js";
import { collectGarbage, ngircdPid, startIrcGatewayDaemon, startIrcRelayBaseline } from "./irc-servers.js";
import { IrcEndpoint, NativeEndpoint, Pair, PathTraffic } from "./irc-traffic.js";
import { IrcWire } from "./irc-wire.js";
import { openSessions, type PhaseResult } from "./load-generator.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PASSWORD = "bench-password";
const TARGETS: IrcTargets = { addedP50Fraction: 0.1, rssPerPuppetKiB: 100 };
const STALL_MS = 5000;
const SETTLE_MS = 500;
const FRAMES_PER_SECOND = 100_000;
/** The most irc.networks[].flood allows (config/switchboard.schema.json): 100 lines at once, then 100 a second. */
const FLOOD = { burst: 100, linesPerSecond: 100 };
const MEMORY_ROOM = "benchrss";

interface Options {
  readonly runs: number;
  readonly pairs: number;
  readonly messages: number;
  readonly warmup: number;
  readonly window: number;
  readonly rate: number;
  readonly seconds: number;
  readonly puppets: number;
  readonly json: string | undefined;
  readonly cpuProfileDir: string | undefined;
  readonly daemonRoot: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "1" },
      pairs: { type: "string", default: "100" },
      messages: { type: "string", default: "30000" },
      warmup: { type: "string", default: "3000" },
      window: { type: "string", default: "50" },
      rate: { type: "string", default: "200" },
      seconds: { type: "string", default: "5" },
      puppets: { type: "string", default: "200" },
      json: { type: "string" },
      "cpu-prof": { type: "string" },
      "daemon-root": { type: "string" },
    },
  });
  const int = (name: string, text: string, min: number): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer >= ${min}`);
    return value;
  };
  const puppets = int("puppets", values.puppets, 0);
  if (puppets === 1) throw new Error("--puppets must be 0 (no memory stage) or at least 2");
  return {
    runs: int("runs", values.runs, 1),
    pairs: int("pairs", values.pairs, 1),
    messages: int("messages", values.messages, 1),
    warmup: int("warmup", values.warmup, 0),
    window: int("window", values.window, 1),
    rate: int("rate", values.rate, 1),
    seconds: int("seconds", values.seconds, 1),
    puppets,
    json: values.json,
    cpuProfileDir: values["cpu-prof"],
    daemonRoot: resolve(values["daemon-root"] ?? ROOT),
  };
}

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

let clockTicks: number | undefined;

/** CPU seconds of one thread (/proc/<pid>/task/<tid>/stat); the main thread's tid is the pid. */
function threadCpuSeconds(pid: number, tid: number): number {
  clockTicks ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

interface Pids {
  /** The daemon or the relay floor. */
  readonly gateway: number;
  readonly ircd: number;
}

async function measured(pids: Pids, phase: () => Promise<PhaseResult>): Promise<{ result: PhaseResult; cpu: IrcCpuSample }> {
  const gateway0 = cpuSeconds(pids.gateway);
  const main0 = threadCpuSeconds(pids.gateway, pids.gateway);
  const ircd0 = cpuSeconds(pids.ircd);
  const generator0 = process.cpuUsage();
  const machine0 = machineBusySeconds();
  const wall0 = performance.now();
  const result = await phase();
  const wallSeconds = (performance.now() - wall0) / 1000;
  const usage = process.cpuUsage(generator0);
  return {
    result,
    cpu: {
      gateway: cpuSeconds(pids.gateway) - gateway0,
      gatewayMain: threadCpuSeconds(pids.gateway, pids.gateway) - main0,
      ircd: cpuSeconds(pids.ircd) - ircd0,
      generator: (usage.user + usage.system) / 1e6,
      machine: machineBusySeconds() - machine0,
      wallSeconds,
    },
  };
}

function describePhase(result: PhaseResult, cpu: IrcCpuSample): string {
  const latency = result.latency ? `, p50 ${result.latency.p50.toFixed(2)} p99 ${result.latency.p99.toFixed(2)} max ${result.latency.max.toFixed(2)} ms` : "";
  const errors = result.errors > 0 ? `, errors ${JSON.stringify(result.errorCodes)}` : "";
  const incomplete = result.complete ? "" : ` INCOMPLETE (${result.delivered}/${result.expected})`;
  const pct = (seconds: number): string => `${Math.round((100 * seconds) / cpu.wallSeconds)}%`;
  return (
    `${result.delivered} in ${result.seconds.toFixed(2)} s = ${Math.round(result.deliveredPerSecond)} msg/s${latency}${errors}${incomplete}; ` +
    `CPU gateway ${pct(cpu.gateway)} (main ${pct(cpu.gatewayMain)}), ngIRCd ${pct(cpu.ircd)}, gen ${pct(cpu.generator)}, machine ${pct(cpu.machine)}`
  );
}

function names(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}${index}`);
}

/** At most `concurrency` tasks at a time, results in order. */
async function inParallel<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** Sends a native frame with an id and resolves with its answer (rejects on an error answer). */
function nativeRequest(socket: WebSocket, frame: Record<string, unknown>, timeoutMs = 10_000): Promise<Record<string, unknown>> {
  const id = `req-${Math.random().toString(36).slice(2)}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off("message", onMessage);
      reject(new Error(`no answer to ${JSON.stringify(frame)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (data: RawData): void => {
      const answer = JSON.parse(String(data)) as Record<string, unknown>;
      if (answer["id"] !== id) return;
      clearTimeout(timer);
      socket.off("message", onMessage);
      if (answer["type"] === "ok") resolve(answer);
      else reject(new Error(`${JSON.stringify(frame)} refused: ${JSON.stringify(answer)}`));
    };
    socket.on("message", onMessage);
    socket.send(JSON.stringify({ ...frame, id }));
  });
}

/** The clients and processes of one stage: the relay floor's, then the daemon's. */
interface World {
  readonly pids: Pids;
  readonly natives: NativeEndpoint[];
  /** IRC senders (a) and receivers (b). */
  readonly ia: IrcEndpoint[];
  readonly ib: IrcEndpoint[];
}

const benchRoom = (i: number): string => `bench${i}`;

function pairsFor(id: IrcPathId, world: World): Pair[] {
  const { natives, ia, ib } = world;
  return natives.map((native, i) => {
    const a = ia[i] as IrcEndpoint;
    const b = ib[i] as IrcEndpoint;
    switch (id) {
      case "irc-direct":
        return new Pair(i, a, b, a.sayTo(`#direct${i}`));
      case "native-to-irc":
      case "relay-native-to-irc":
        return new Pair(i, native, b, native.roomSend(benchRoom(i)));
      case "irc-to-native":
      case "relay-irc-to-native":
        return new Pair(i, a, native, a.sayTo(`#${benchRoom(i)}`));
    }
  });
}

async function measurePath(id: IrcPathId, world: World, opts: Options): Promise<IrcPathResult> {
  const label = IRC_PATHS.find((path) => path.id === id)?.label ?? id;
  const traffic = new PathTraffic(pairsFor(id, world));
  const perPair = (total: number): number => Math.max(1, Math.round(total / opts.pairs));
  if (opts.warmup > 0) {
    const warm = await measured(world.pids, () => traffic.burst(perPair(opts.warmup), opts.window, STALL_MS));
    if (!warm.result.complete) log(`  ${id}: warm-up ${describePhase(warm.result, warm.cpu)}`);
  }
  await sleep(SETTLE_MS);
  const burst = await measured(world.pids, () => traffic.burst(perPair(opts.messages), opts.window, STALL_MS));
  log(`  ${label}\n    burst:  ${describePhase(burst.result, burst.cpu)}`);
  await sleep(SETTLE_MS);
  const paced = await measured(world.pids, () => traffic.paced(opts.rate, opts.seconds, STALL_MS));
  log(`    paced:  ${describePhase(paced.result, paced.cpu)}`);
  await sleep(SETTLE_MS / 2);
  return { id, burst: burst.result, burstCpu: burst.cpu, paced: paced.result, pacedCpu: paced.cpu };
}

/**
 * One message from each native sender to its IRC receiver, so that every puppet (or the relay's connection) is
 * connected and in its channel before the clock runs; fails when a message does not arrive.
 */
async function prime(world: World, id: IrcPathId): Promise<void> {
  const result = await new PathTraffic(pairsFor(id, world)).burst(1, 1, 20_000);
  if (!result.complete) throw new Error(`${id}: the first messages did not all arrive (${result.delivered}/${result.expected}, errors ${JSON.stringify(result.errorCodes)})`);
}

/** Runs `cleanup` now and forgets it. */
async function releaseNow(cleanups: Array<() => Promise<void>>, cleanup: () => Promise<void>): Promise<void> {
  cleanups.splice(cleanups.indexOf(cleanup), 1);
  await cleanup();
}

/** Problems the IRC clients and a gateway process reported; the inspector's own messages are not problems. */
function problemLines(lines: readonly string[]): string[] {
  return lines.filter((line) => !/Debugger (listening|attached|ending)|For help, see: https:\/\/nodejs.org|Waiting for the debugger/.test(line));
}

/**
 * A fresh daemon with `count` native users in one bridged room: the daemon's RSS (and V8 heap) once the first
 * user's puppet has connected, joined and spoken, then once every user's has, each after a full GC and a settle.
 */
async function measurePuppetMemory(resources: Resources, opts: Options, ircd: IrcServer, ircdPid: number, cleanups: Array<() => Promise<void>>): Promise<PuppetMemory> {
  const count = opts.puppets;
  const users = names("rss", count);
  const daemon = await startIrcGatewayDaemon(resources, opts.daemonRoot, {
    users,
    password: PASSWORD,
    framesPerSecond: FRAMES_PER_SECOND,
    ircd,
    channels: [{ channel: `#${MEMORY_ROOM}`, room: MEMORY_ROOM }],
    flood: FLOOD,
    maxPuppets: count + 10,
    inspect: true,
  });
  const stopDaemon = (): Promise<void> => daemon.stop();
  cleanups.push(stopDaemon);
  const inspector = daemon.inspectorUrl as string;
  const watcher = await IrcWire.open({ host: ircd.host, port: ircd.port, nick: "rsswatch" });
  const closeWatcher = (): Promise<void> => watcher.close();
  cleanups.push(closeWatcher);
  await watcher.join(`#${MEMORY_ROOM}`);
  const speakers = new Set<string>();
  watcher.onPrivmsg = (nick) => void speakers.add(nick.toLowerCase());
  const sockets = await openSessions(daemon.url, users, PASSWORD, 10);
  const closeSockets = async (): Promise<void> => {
    for (const socket of sockets) socket.terminate();
  };
  cleanups.push(closeSockets);
  // Room pushes (members joining, every message) are not read: they only cost the generator.
  await inParallel(count, 10, (i) => nativeRequest(sockets[i] as WebSocket, { type: "room.join", room: MEMORY_ROOM }));
  const spoken = (n: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`only ${speakers.size} of ${n} puppets spoke in #${MEMORY_ROOM} within 120 s`)), 120_000);
      const check = setInterval(() => {
        if (speakers.size < n) return;
        clearInterval(check);
        clearTimeout(deadline);
        resolve();
      }, 20);
    });
  await nativeRequest(sockets[0] as WebSocket, { type: "room.send", room: MEMORY_ROOM, body: "first puppet" });
  await spoken(1);
  await sleep(1000);
  const heapBefore = await collectGarbage(inspector);
  await sleep(500);
  const rssBeforeKiB = rssKiB(daemon.pid);
  const ircdRssBeforeKiB = rssKiB(ircdPid);
  const started = performance.now();
  const puppetsOnline = daemon.process.waitForLine((line) => line["msg"] === "IRC puppet connected" && line["puppets"] === count, 120_000);
  await inParallel(count - 1, count, (i) => nativeRequest(sockets[i + 1] as WebSocket, { type: "room.send", room: MEMORY_ROOM, body: `puppet ${i + 1}` }, 120_000));
  await Promise.all([spoken(count), puppetsOnline]);
  const connectSeconds = (performance.now() - started) / 1000;
  await sleep(2000);
  const heapAfter = await collectGarbage(inspector);
  await sleep(500);
  const memory: PuppetMemory = {
    puppets: count,
    rssBeforeKiB,
    rssAfterKiB: rssKiB(daemon.pid),
    heapBeforeBytes: heapBefore.usedSize,
    heapAfterBytes: heapAfter.usedSize,
    ircdRssBeforeKiB,
    ircdRssAfterKiB: rssKiB(ircdPid),
    connectSeconds,
  };
  const perPuppet = (memory.rssAfterKiB - memory.rssBeforeKiB) / (count - 1);
  log(
    `  memory: daemon RSS ${(rssBeforeKiB / 1024).toFixed(1)} MiB with 1 puppet, ${(memory.rssAfterKiB / 1024).toFixed(1)} MiB with ${count} ` +
      `(${perPuppet.toFixed(1)} KiB per puppet; heap ${(heapBefore.usedSize / 2 ** 20).toFixed(1)} -> ${(heapAfter.usedSize / 2 ** 20).toFixed(1)} MiB); ` +
      `${count - 1} puppets connected, joined and spoke in ${connectSeconds.toFixed(1)} s`,
  );
  for (const problem of problemLines([...daemon.process.problems, ...watcher.problems]).slice(0, 10)) log(`  problem: ${problem}`);
  await releaseNow(cleanups, closeSockets);
  await releaseNow(cleanups, closeWatcher);
  await releaseNow(cleanups, stopDaemon);
  return memory;
}

async function run(resources: Resources, opts: Options, index: number): Promise<IrcRunResult> {
  log(`run ${index + 1} of ${opts.runs}`);
  // Undone in reverse order on the way out: clients, then the daemon (it writes its CPU profile on exit), then ngIRCd.
  const cleanups: Array<() => Promise<void>> = [];
  const profileDir = opts.cpuProfileDir && index === 0 ? opts.cpuProfileDir : undefined;
  const paths: IrcPathResult[] = [];
  try {
    const started = performance.now();
    const ircd = await startNgircd();
    cleanups.push(() => ircd.dispose());
    const ircdPid = ngircdPid(ircd);
    const pairs = opts.pairs;
    const ircNames = [...names("a", pairs), ...names("b", pairs)];
    const wires = await inParallel(ircNames.length, 8, (i) => IrcWire.open({ host: ircd.host, port: ircd.port, nick: ircNames[i] as string }));
    cleanups.push(async () => {
      await Promise.all(wires.map((wire) => wire.close()));
    });
    await inParallel(pairs, 8, async (i) => {
      for (const wire of [wires[i], wires[pairs + i]] as IrcWire[]) {
        await wire.join(`#direct${i}`);
        await wire.join(`#${benchRoom(i)}`);
      }
    });
    const ia = wires.slice(0, pairs).map((wire) => new IrcEndpoint(wire));
    const ib = wires.slice(pairs).map((wire) => new IrcEndpoint(wire));
    const nativeNames = names("nat", pairs);
    const connectNatives = async (url: string): Promise<{ natives: NativeEndpoint[]; close: () => Promise<void> }> => {
      const sockets = await openSessions(url, nativeNames, PASSWORD, 10);
      const close = async (): Promise<void> => {
        for (const socket of sockets) socket.terminate();
      };
      cleanups.push(close);
      await inParallel(pairs, 10, (i) => nativeRequest(sockets[i] as WebSocket, { type: "room.join", room: benchRoom(i) }));
      return { natives: sockets.map((socket) => new NativeEndpoint(socket)), close };
    };
    log(`  ngIRCd ${ircd.port} (pid ${ircdPid}) with ${2 * pairs} IRC clients in ${2 * pairs} channels, in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // Stage 1: the direct baseline and the relay floor.
    const relay = await startIrcRelayBaseline(resources, ROOT, ircd);
    const stopRelay = (): Promise<void> => relay.stop();
    cleanups.push(stopRelay);
    const relayNatives = await connectNatives(relay.url);
    const relayWorld: World = { pids: { gateway: relay.pid, ircd: ircdPid }, natives: relayNatives.natives, ia, ib };
    log(`  relay floor pid ${relay.pid}`);
    paths.push(await measurePath("irc-direct", relayWorld, opts));
    await prime(relayWorld, "relay-native-to-irc");
    paths.push(await measurePath("relay-native-to-irc", relayWorld, opts));
    paths.push(await measurePath("relay-irc-to-native", relayWorld, opts));
    for (const problem of problemLines(relay.process.problems).slice(0, 10)) log(`  relay said: ${problem}`);
    await releaseNow(cleanups, relayNatives.close);
    await releaseNow(cleanups, stopRelay);

    // Stage 2: the daemon, its puppets connected by a first message from each native sender.
    const daemon = await startIrcGatewayDaemon(resources, opts.daemonRoot, {
      users: nativeNames,
      password: PASSWORD,
      framesPerSecond: FRAMES_PER_SECOND,
      ircd,
      channels: Array.from({ length: pairs }, (_, i) => ({ channel: `#${benchRoom(i)}`, room: benchRoom(i) })),
      flood: FLOOD,
      maxPuppets: pairs + 10,
      cpuProfileDir: profileDir,
    });
    const stopDaemon = (): Promise<void> => daemon.stop();
    cleanups.push(stopDaemon);
    const daemonNatives = await connectNatives(daemon.url);
    const world: World = { pids: { gateway: daemon.pid, ircd: ircdPid }, natives: daemonNatives.natives, ia, ib };
    const primed = performance.now();
    await prime(world, "native-to-irc");
    log(`  daemon pid ${daemon.pid}; ${pairs} puppets connected and joined in ${((performance.now() - primed) / 1000).toFixed(1)} s`);
    paths.push(await measurePath("native-to-irc", world, opts));
    paths.push(await measurePath("irc-to-native", world, opts));
    for (const problem of problemLines([...daemon.process.problems, ...wires.flatMap((wire) => wire.problems)]).slice(0, 10)) log(`  problem: ${problem}`);
    await releaseNow(cleanups, daemonNatives.close);
    await releaseNow(cleanups, stopDaemon);

    // Stage 3: the memory of puppets, in a fresh daemon.
    const memory = opts.puppets > 0 ? await measurePuppetMemory(resources, opts, ircd, ircdPid, cleanups) : undefined;
    log(`  run took ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return { paths, memory };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log(`  cleanup failed: ${String(error)}`));
  }
}

/** The daemon's commit, and whether its src/ differs from it (read-only git commands, as bench/xmpp.ts). */
function daemonSource(root: string): string {
  try {
    const commit = execFileSync("git", ["-C", root, "rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["-C", root, "status", "--porcelain", "--", "src"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return `${root} at ${commit}${dirty ? " with uncommitted changes in src/" : ""}`;
  } catch {
    return `${root} (not a git checkout)`;
  }
}

function ngircdVersion(): string {
  try {
    return execFileSync("ngircd", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n", 1)[0]?.split("-", 1)[0] ?? "unknown";
  } catch {
    return "unknown";
  }
}

function machine(): string {
  const cores = cpus();
  return [
    `date: ${new Date().toISOString()}`,
    `machine: ${cores[0]?.model ?? "unknown CPU"}, ${cores.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}`,
    `node: ${process.version}, ${ngircdVersion()}`,
  ].join("\n");
}

async function main(): Promise<void> {
  const opts = options();
  const resources = new Resources();
  process.on("exit", () => resources.releaseAll());
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));
  // A run takes about 50 s on a 2-core machine (240 s allowed per run); a hang must not outlive that by much.
  const deadline = setTimeout(() => {
    process.stderr.write("bench:irc: did not finish in time; stopping\n");
    process.exit(1);
  }, opts.runs * 240_000 + 30_000);
  deadline.unref();

  log("Switchboard IRC paths against a real ngIRCd, beside client -> ngIRCd -> client");
  log(machine());
  log(`daemon: ${daemonSource(opts.daemonRoot)}`);
  log(
    `load: ${opts.pairs} pairs per path (each its own sender and receiver connection, a channel each); burst ${opts.messages} messages per path, ` +
      `end-to-end window ${opts.window} per pair; paced ${opts.rate} msg/s for ${opts.seconds} s; one generator process; ` +
      `lean raw IRC clients and raw ws native clients; daemon flood control ${FLOOD.burst} lines, ${FLOOD.linesPerSecond}/s per connection (the schema's maximum)` +
      (opts.puppets > 0 ? `; memory: ${opts.puppets} puppets in one bridged room` : ""),
  );
  const runs: IrcRunResult[] = [];
  const began = performance.now();
  for (let index = 0; index < opts.runs; index++) runs.push(await run(resources, opts, index));
  const limits: IrcLimits = { pairs: opts.pairs, linesPerSecond: FLOOD.linesPerSecond, cpuCount: cpus().length };

  log("");
  log(`${opts.runs > 1 ? `Medians of ${opts.runs} runs` : "Results"} (GW = the gateway process: the relay floor or Switchboard; CPU % of one core; other = the rest of the machine):`);
  log(ircResultsTable(runs, opts.rate, limits));
  const memory = memoryTable(runs, TARGETS);
  if (memory) {
    log("");
    log(memory);
  }
  log("");
  log(`Targets: the gateway adds <= ${TARGETS.addedP50Fraction * 100}% to the direct path's p50; <= ${TARGETS.rssPerPuppetKiB} KiB of RSS per puppet connection.`);
  for (const check of ircTargetChecks(runs, TARGETS)) log(`  ${check.label}: ${check.text}`);
  const busy = busyPhases(runs);
  if (busy.length > 0) {
    log(`Warning: other processes used over 25% of a core during ${busy.map((phase) => (phase === "burst" ? "a burst" : "a paced phase")).join(" and ")} (the "other" columns): the machine was not quiet; those figures are disturbed.`);
  }
  log(`bench:irc took ${((performance.now() - began) / 1000).toFixed(0)} s`);
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify({ machine: machine(), options: opts, runs }, null, 2)}\n`);
  if (opts.cpuProfileDir) log(`daemon CPU profile (run 1) written to ${opts.cpuProfileDir}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:irc failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
