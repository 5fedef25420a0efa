/**
 * `npm run bench:xmpp`: the XMPP paths through the Switchboard daemon, against a real Prosody started here, beside
 * the same traffic between two XMPP clients of that Prosody (the baseline), measured in the same run with the same
 * clients. docs/performance.md ("XMPP paths") explains what is measured and records the figures.
 *
 * Paths, each with P pairs (one sender, one receiver, each its own connection):
 *   - XMPP chat, client -> Prosody -> client (baseline)
 *   - the relay floor both ways (bench/xmpp-relay-baseline.ts: the least a native <-> XMPP gateway can do)
 *   - native -> XMPP: `message.send` to xmpp:<user>@localhost, received from <native>@<component domain>
 *   - XMPP -> native: chat to <native>@<component domain>, received as a native `message` push
 *   - Prosody MUC, client -> room -> client (room baseline)
 *   - room native -> XMPP: `room.send` to a native room that an XMPP user joined as a MUC occupant
 *   - room XMPP -> native: groupchat from that occupant, received by the native member
 * For each: throughput (a burst with an end-to-end window), latency p50/p95/p99 at a steady paced rate, lost,
 * duplicated and reordered messages, and the CPU used by the daemon, Prosody and the generator (/proc).
 *
 * Options: --runs N (medians over N runs), --pairs P, --messages N (per path, in total), --warmup N, --window W
 * (per pair), --rate R msg/s, --seconds S, --json FILE, --cpu-prof DIR (V8 CPU profile of the daemon, run 1),
 * --daemon-root DIR (the daemon from another checkout), --only a,b (path ids; the direct baseline, and the floor of
 * each path chosen, are always measured).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import type { RawData, WebSocket } from "ws";
import { startProsody, type ProsodyServer } from "../test/helpers/servers.js";
import { cpuSeconds, machineBusySeconds, Resources } from "./child-processes.js";
import { openSessions, type PhaseResult } from "./load-generator.js";
import { PATHS, setCpuCount, targetChecks, xmppResultsTable, type CpuSample, type PathId, type PathResult, type XmppRunResult, type XmppTargets } from "./xmpp-report.js";
import { prosodyPid, startGatewayDaemon, startRelayBaseline } from "./xmpp-servers.js";
import { NativeEndpoint, Pair, PathTraffic, XmppEndpoint } from "./xmpp-traffic.js";
import { attribute, XmppWire } from "./xmpp-wire.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PASSWORD = "bench-password";
const TARGETS: XmppTargets = { addedP50Fraction: 0.1, throughput: 5000 };
const STALL_MS = 5000;
const SETTLE_MS = 500;
const FRAMES_PER_SECOND = 100_000;
const NS_MUC = "http://jabber.org/protocol/muc";

interface Options {
  readonly runs: number;
  readonly pairs: number;
  readonly messages: number;
  readonly warmup: number;
  readonly window: number;
  readonly rate: number;
  readonly seconds: number;
  readonly json: string | undefined;
  readonly cpuProfileDir: string | undefined;
  readonly daemonRoot: string;
  readonly only: ReadonlySet<PathId>;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "1" },
      pairs: { type: "string", default: "10" },
      messages: { type: "string", default: "20000" },
      warmup: { type: "string", default: "2000" },
      window: { type: "string", default: "50" },
      rate: { type: "string", default: "200" },
      seconds: { type: "string", default: "5" },
      json: { type: "string" },
      "cpu-prof": { type: "string" },
      "daemon-root": { type: "string" },
      only: { type: "string" },
    },
  });
  const int = (name: string, text: string, min: number): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer >= ${min}`);
    return value;
  };
  const ids = new Set(PATHS.map((path) => path.id));
  const only = values.only === undefined ? ids : new Set(values.only.split(",").map((id) => id.trim()) as PathId[]);
  for (const id of only) if (!ids.has(id)) throw new Error(`--only: unknown path ${id}; paths: ${[...ids].join(", ")}`);
  for (const path of PATHS) if (path.floor && only.has(path.id)) only.add(path.floor);
  only.add("xmpp-direct");
  return {
    runs: int("runs", values.runs, 1),
    pairs: int("pairs", values.pairs, 1),
    messages: int("messages", values.messages, 1),
    warmup: int("warmup", values.warmup, 0),
    window: int("window", values.window, 1),
    rate: int("rate", values.rate, 1),
    seconds: int("seconds", values.seconds, 1),
    json: values.json,
    cpuProfileDir: values["cpu-prof"],
    daemonRoot: resolve(values["daemon-root"] ?? ROOT),
    only,
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
  /** The daemon or the relay baseline. */
  readonly gateway: number;
  readonly prosody: number;
}

async function measured(pids: Pids, phase: () => Promise<PhaseResult>): Promise<{ result: PhaseResult; cpu: CpuSample }> {
  const gateway0 = cpuSeconds(pids.gateway);
  const main0 = threadCpuSeconds(pids.gateway, pids.gateway);
  const prosody0 = cpuSeconds(pids.prosody);
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
      prosody: cpuSeconds(pids.prosody) - prosody0,
      generator: (usage.user + usage.system) / 1e6,
      machine: machineBusySeconds() - machine0,
      wallSeconds,
    },
  };
}

function describePhase(result: PhaseResult, cpu: CpuSample): string {
  const latency = result.latency ? `, p50 ${result.latency.p50.toFixed(2)} p99 ${result.latency.p99.toFixed(2)} max ${result.latency.max.toFixed(2)} ms` : "";
  const errors = result.errors > 0 ? `, errors ${JSON.stringify(result.errorCodes)}` : "";
  const incomplete = result.complete ? "" : ` INCOMPLETE (${result.delivered}/${result.expected})`;
  const share = (seconds: number): string => `${Math.round((100 * seconds) / cpu.wallSeconds)}%`;
  return (
    `${result.delivered} in ${result.seconds.toFixed(2)} s = ${Math.round(result.deliveredPerSecond)} msg/s${latency}${errors}${incomplete}; ` +
    `CPU gateway ${share(cpu.gateway)} (main ${share(cpu.gatewayMain)}), Prosody ${share(cpu.prosody)}, gen ${share(cpu.generator)}, machine ${share(cpu.machine)}`
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
function nativeRequest(socket: WebSocket, frame: Record<string, unknown>, timeoutMs = 5000): Promise<Record<string, unknown>> {
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

/** Joins a MUC (Prosody's or the gateway's) and resolves once the occupant's own presence (status 110) arrived. */
async function joinMuc(wire: XmppWire, occupantJid: string): Promise<void> {
  const room = occupantJid.split("/")[0] as string;
  const answer = wire.next(
    (stanza) =>
      stanza.startsWith("<presence") &&
      (attribute(stanza, "from") ?? "").startsWith(room) &&
      ((attribute(stanza, "from") === occupantJid && /<status code=['"]110['"]/.test(stanza)) || attribute(stanza, "type") === "error"),
    10_000,
    `the self-presence of ${occupantJid}`,
  );
  wire.send(`<presence to='${occupantJid}'><x xmlns='${NS_MUC}'/></presence>`);
  const stanza = await answer;
  if (attribute(stanza, "type") === "error") throw new Error(`joining ${occupantJid} refused: ${stanza}`);
}

/** The clients and processes of one stage: the relay baseline's, then the daemon's. */
interface World {
  readonly prosody: ProsodyServer;
  readonly pids: Pids;
  readonly natives: NativeEndpoint[];
  /** XMPP senders (xa) and receivers (xb). */
  readonly xa: XmppEndpoint[];
  readonly xb: XmppEndpoint[];
  readonly rooms: string[];
  readonly mucs: string[];
}

const nativeName = (i: number): string => `nat${i}`;

function pairsFor(id: PathId, world: World): Pair[] {
  const { natives, xa, xb, prosody } = world;
  const component = prosody.componentDomain;
  return natives.map((native, i) => {
    const a = xa[i] as XmppEndpoint;
    const b = xb[i] as XmppEndpoint;
    const room = world.rooms[i] as string;
    switch (id) {
      case "xmpp-direct":
        return new Pair(i, a, b, a.messageTo(b.wire.bareJid, "chat"));
      case "native-to-xmpp":
      case "relay-native-to-xmpp":
        return new Pair(i, native, b, native.directTo(`xmpp:${b.wire.bareJid}`));
      case "xmpp-to-native":
      case "relay-xmpp-to-native":
        return new Pair(i, a, native, a.messageTo(`${nativeName(i)}@${component}`, "chat"));
      case "muc":
        return new Pair(i, a, b, a.messageTo(world.mucs[i] as string, "groupchat"));
      case "room-native-to-xmpp":
        return new Pair(i, native, b, native.roomSend(room));
      case "room-xmpp-to-native":
        return new Pair(i, b, native, b.messageTo(`#${room}@${component}`, "groupchat"));
    }
  });
}

async function measurePath(id: PathId, world: World, opts: Options): Promise<PathResult> {
  const label = PATHS.find((path) => path.id === id)?.label ?? id;
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

/** Runs `cleanup` now and forgets it. */
async function releaseNow(cleanups: Array<() => Promise<void>>, cleanup: () => Promise<void>): Promise<void> {
  cleanups.splice(cleanups.indexOf(cleanup), 1);
  await cleanup();
}

async function run(resources: Resources, opts: Options, index: number): Promise<XmppRunResult> {
  log(`run ${index + 1} of ${opts.runs}`);
  // Undone in reverse order on the way out: clients, then the daemon (it writes its CPU profile on exit), then Prosody.
  const cleanups: Array<() => Promise<void>> = [];
  const profileDir = opts.cpuProfileDir && index === 0 ? opts.cpuProfileDir : undefined;
  // Stage 1 measures the direct baseline and the relay's paths; stage 2 Prosody's MUC and the daemon's paths.
  const stage1 = PATHS.filter((path) => opts.only.has(path.id) && (path.gateway === "relay" || path.id === "xmpp-direct")).map((path) => path.id);
  const stage2 = PATHS.filter((path) => opts.only.has(path.id) && !stage1.includes(path.id)).map((path) => path.id);
  const paths: PathResult[] = [];
  try {
    const started = performance.now();
    const prosody = await startProsody();
    cleanups.push(() => prosody.dispose());
    const pairs = opts.pairs;
    const xmppNames = [...names("xa", pairs), ...names("xb", pairs)];
    await inParallel(xmppNames.length, 8, (i) => prosody.register(xmppNames[i] as string, PASSWORD));
    const wires = await inParallel(xmppNames.length, 10, (i) =>
      XmppWire.open({ host: prosody.host, port: prosody.c2sPort, domain: prosody.domain, user: xmppNames[i] as string, password: PASSWORD, resource: "bench" }),
    );
    cleanups.push(async () => {
      await Promise.all(wires.map((wire) => wire.close()));
    });
    const xa = wires.slice(0, pairs).map((wire) => new XmppEndpoint(wire));
    const xb = wires.slice(pairs).map((wire) => new XmppEndpoint(wire));
    const prosodyProcess = prosodyPid(prosody);
    const nativeNames = Array.from({ length: pairs }, (_, i) => nativeName(i));
    const rooms = names("benchroom", pairs);
    const mucs = names("benchmuc", pairs).map((name) => `${name}@${prosody.mucDomain}`);
    const connectNatives = async (url: string): Promise<{ natives: NativeEndpoint[]; close: () => Promise<void> }> => {
      const sockets = await openSessions(url, nativeNames, PASSWORD, 10);
      const close = async (): Promise<void> => {
        for (const socket of sockets) socket.terminate();
      };
      cleanups.push(close);
      return { natives: sockets.map((socket) => new NativeEndpoint(socket)), close };
    };
    log(`  Prosody ${prosody.domain} (pid ${prosodyProcess}, c2s ${prosody.c2sPort}) with ${2 * pairs} XMPP sessions in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // Stage 1: the direct baseline and the relay floor, with the relay as Prosody's component.
    const relay = await startRelayBaseline(resources, ROOT, prosody);
    const stopRelay = (): Promise<void> => relay.stop();
    cleanups.push(stopRelay);
    const relayNatives = await connectNatives(relay.url);
    const relayWorld: World = { prosody, pids: { gateway: relay.pid, prosody: prosodyProcess }, natives: relayNatives.natives, xa, xb, rooms, mucs };
    log(`  relay baseline pid ${relay.pid}`);
    for (const id of stage1) paths.push(await measurePath(id, relayWorld, opts));
    for (const problem of relay.process.problems.slice(0, 10)) log(`  relay said: ${problem}`);
    await releaseNow(cleanups, relayNatives.close);
    await releaseNow(cleanups, stopRelay);

    // Stage 2: the daemon as the component, its rooms joined by the XMPP receivers, and Prosody's MUCs.
    const daemon = await startGatewayDaemon(resources, opts.daemonRoot, {
      users: nativeNames,
      // Each XMPP sender is a contact of its native receiver, as the default policy (messages_from: contacts) needs.
      contacts: nativeNames.map((user, i) => ({ user, jid: (xa[i] as XmppEndpoint).wire.bareJid })),
      password: PASSWORD,
      framesPerSecond: FRAMES_PER_SECOND,
      prosody,
      cpuProfileDir: profileDir,
    });
    cleanups.push(() => daemon.stop());
    const daemonNatives = await connectNatives(daemon.url);
    const world: World = { prosody, pids: { gateway: daemon.pid, prosody: prosodyProcess }, natives: daemonNatives.natives, xa, xb, rooms, mucs };
    await inParallel(pairs, pairs, async (i) => {
      await nativeRequest(daemonNatives.natives[i]?.socket as WebSocket, { type: "room.create", name: rooms[i] });
      const b = (xb[i] as XmppEndpoint).wire;
      await joinMuc(b, `#${rooms[i]}@${prosody.componentDomain}/${b.bareJid.split("@")[0]}`);
      await joinMuc((xa[i] as XmppEndpoint).wire, `${mucs[i]}/a`);
      await joinMuc(b, `${mucs[i]}/b`);
    });
    log(`  daemon pid ${daemon.pid}; ${pairs} gateway rooms and ${pairs} Prosody MUCs joined`);
    for (const id of stage2) paths.push(await measurePath(id, world, opts));
    const problems = [...daemon.process.problems, ...wires.flatMap((wire) => wire.problems)];
    for (const problem of problems.slice(0, 10)) log(`  problem: ${problem}`);
    return { paths };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log(`  cleanup failed: ${String(error)}`));
  }
}

/** The daemon's commit, and whether its src/ differs from it (read-only git commands). */
function daemonSource(root: string): string {
  try {
    const commit = execFileSync("git", ["-C", root, "rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["-C", root, "status", "--porcelain", "--", "src"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return `${root} at ${commit}${dirty ? " with uncommitted changes in src/" : ""}`;
  } catch {
    return `${root} (not a git checkout)`;
  }
}

function prosodyVersion(): string {
  try {
    return readFileSync("/usr/lib/prosody/prosody.version", "utf8").trim();
  } catch {
    return "unknown";
  }
}

function machine(): string {
  const cores = cpus();
  return [
    `date: ${new Date().toISOString()}`,
    `machine: ${cores[0]?.model ?? "unknown CPU"}, ${cores.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}`,
    `node: ${process.version}, Prosody ${prosodyVersion()}`,
  ].join("\n");
}

async function main(): Promise<void> {
  const opts = options();
  setCpuCount(cpus().length);
  const resources = new Resources();
  process.on("exit", () => resources.releaseAll());
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));
  // A run takes about a minute and a half on a 2-core machine; a hang must not outlive that by much.
  const deadline = setTimeout(() => {
    process.stderr.write("bench:xmpp: did not finish in time; stopping\n");
    process.exit(1);
  }, opts.runs * 150_000 + 30_000);
  deadline.unref();

  log("Switchboard XMPP paths against a real Prosody, beside client -> Prosody -> client");
  log(machine());
  log(`daemon: ${daemonSource(opts.daemonRoot)}`);
  log(
    `load: ${opts.pairs} pairs per path (each its own sender and receiver connection); burst ${opts.messages} messages per path, ` +
      `end-to-end window ${opts.window} per pair; paced ${opts.rate} msg/s for ${opts.seconds} s; one generator process; ` +
      `lean raw XMPP clients (SASL PLAIN) and raw ws native clients; daemon rate_limit ${FRAMES_PER_SECOND} frames/s`,
  );
  const runs: XmppRunResult[] = [];
  for (let index = 0; index < opts.runs; index++) runs.push(await run(resources, opts, index));

  log("");
  log(`${opts.runs > 1 ? `Medians of ${opts.runs} runs` : "Results"} (GW = the gateway process: the relay or Switchboard; CPU % of one core; other = the rest of the machine):`);
  log(xmppResultsTable(runs, opts.rate));
  log("");
  log(`Targets: the gateway adds <= ${TARGETS.addedP50Fraction * 100}% to the direct path's p50; >= ${TARGETS.throughput.toLocaleString("en-US")} msg/s with Prosody as the limit.`);
  for (const check of targetChecks(runs, TARGETS)) log(`  ${check.label}: ${check.text}`);
  const busy = runs.some((run) => run.paths.some((path) => {
    const cpu = path.burstCpu;
    return (cpu.machine - cpu.gateway - cpu.prosody - cpu.generator) / cpu.wallSeconds > 0.25;
  }));
  if (busy) log("Warning: other processes used over 25% of a core during a burst (the \"other\" column): the machine was not quiet; burst figures are disturbed.");
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify({ machine: machine(), options: { ...opts, only: [...opts.only] }, runs }, null, 2)}\n`);
  if (opts.cpuProfileDir) log(`daemon CPU profile (run 1) written to ${opts.cpuProfileDir}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:xmpp failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
