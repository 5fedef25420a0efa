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
 * 100 pairs by default: the daemon's flood control allows each puppet at most 100 lines/s (what a public server tolerates),
 * so with P pairs native -> IRC cannot exceed about P x 100 msg/s; with 100 the burst measures the daemon, not
 * the configured limit (the table says "flood control" when a burst came within 10% of it).
 */
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import type { WebSocket } from "ws";
import { startNgircd, type IrcServer } from "../test/helpers/irc-servers.js";
import { machineDescription } from "./bench-environment.js";
import { benchResources, log, logHeader, repeatRuns, resultsHeading, runBench, saveResults } from "./bench-main.js";
import { integer, loadOptions, outputAndDaemonOptions, parseOptions, RUNS_OPTION, type OptionValues } from "./bench-options.js";
import { rssKiB, type Resources } from "./child-processes.js";
import { measurePathPhases, type GatewayPids } from "./gateway-phases.js";
import { Cleanups, names, openNativeClients } from "./gateway-stage.js";
import { inParallel } from "./in-parallel.js";
import { busyPhases, ircResultsTable, ircTargetChecks, IRC_PATHS, memoryTable, NGIRCD, type IrcLimits, type IrcPathId, type IrcPathResult, type IrcRunResult, type IrcTargets, type PuppetMemory } from "./irc-report.js";
import { collectGarbage, ngircdPid, startIrcGatewayDaemon, startIrcRelayBaseline } from "./irc-servers.js";
import { IrcEndpoint, NativeEndpoint, Pair, PathTraffic } from "./irc-traffic.js";
import { IrcWire } from "./irc-wire.js";
import { nativeRequest } from "./native-session.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PASSWORD = "bench-password";
const TARGETS: IrcTargets = { addedP50Fraction: 0.1, rssPerPuppetKiB: 100 };
const FRAMES_PER_SECOND = 100_000;
/** Flood control as for a public server: 100 lines at once, then 100 a second. */
const FLOOD = { burst: 100, linesPerSecond: 100 };
const MEMORY_ROOM = "benchrss";

const OPTIONS = {
  ...RUNS_OPTION,
  pairs: integer(100, 1),
  ...loadOptions({ messages: 30_000, warmup: 3000, window: 50, rate: 200, seconds: 5 }),
  puppets: {
    parse: (text: string | undefined, flag: string): number => {
      const puppets = integer(200, 0).parse(text, flag);
      if (puppets === 1) throw new Error("--puppets must be 0 (no memory stage) or at least 2");
      return puppets;
    },
  },
  ...outputAndDaemonOptions(ROOT),
};

type Options = OptionValues<typeof OPTIONS>;

/** The clients and processes of one stage: the relay floor's, then the daemon's. */
interface World {
  readonly pids: GatewayPids;
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

function measurePath(id: IrcPathId, world: World, opts: Options): Promise<IrcPathResult> {
  const path = IRC_PATHS.find((info) => info.id === id) ?? { id, label: id };
  return measurePathPhases(path, new PathTraffic(pairsFor(id, world)), world.pids, NGIRCD, opts);
}

/**
 * One message from each native sender to its IRC receiver, so that every puppet (or the relay's connection) is
 * connected and in its channel before the clock runs; fails when a message does not arrive.
 */
async function prime(world: World, id: IrcPathId): Promise<void> {
  const result = await new PathTraffic(pairsFor(id, world)).burst(1, 1, 20_000);
  if (!result.complete) throw new Error(`${id}: the first messages did not all arrive (${result.delivered}/${result.expected}, errors ${JSON.stringify(result.errorCodes)})`);
}

/** Problems the IRC clients and a gateway process reported; the inspector's own messages are not problems. */
function problemLines(lines: readonly string[]): string[] {
  return lines.filter((line) => !/Debugger (listening|attached|ending)|For help, see: https:\/\/nodejs.org|Waiting for the debugger/.test(line));
}

/**
 * A fresh daemon with `count` native users in one bridged room: the daemon's RSS (and V8 heap) once the first
 * user's puppet has connected, joined and spoken, then once every user's has, each after a full GC and a settle.
 */
async function measurePuppetMemory(resources: Resources, opts: Options, ircd: IrcServer, ircdPid: number, cleanups: Cleanups): Promise<PuppetMemory> {
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
  const stopDaemon = cleanups.add(() => daemon.stop());
  const inspector = daemon.inspectorUrl as string;
  const watcher = await IrcWire.open({ host: ircd.host, port: ircd.port, nick: "rsswatch" });
  const closeWatcher = cleanups.add(() => watcher.close());
  await watcher.join(`#${MEMORY_ROOM}`);
  const speakers = new Set<string>();
  watcher.onPrivmsg = (nick) => void speakers.add(nick.toLowerCase());
  const { sockets, close: closeSockets } = await openNativeClients(daemon.url, users, PASSWORD, cleanups);
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
  await cleanups.now(closeSockets);
  await cleanups.now(closeWatcher);
  await cleanups.now(stopDaemon);
  return memory;
}

async function run(resources: Resources, opts: Options, index: number): Promise<IrcRunResult> {
  const cleanups = new Cleanups();
  const profileDir = opts.cpuProfileDir && index === 0 ? opts.cpuProfileDir : undefined;
  const paths: IrcPathResult[] = [];
  try {
    const started = performance.now();
    const ircd = await startNgircd();
    cleanups.add(() => ircd.dispose());
    const ircdPid = ngircdPid(ircd);
    const pairs = opts.pairs;
    const ircNames = [...names("a", pairs), ...names("b", pairs)];
    const wires = await inParallel(ircNames.length, 8, (i) => IrcWire.open({ host: ircd.host, port: ircd.port, nick: ircNames[i] as string }));
    cleanups.add(async () => {
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
      const { sockets, close } = await openNativeClients(url, nativeNames, PASSWORD, cleanups);
      await inParallel(pairs, 10, (i) => nativeRequest(sockets[i] as WebSocket, { type: "room.join", room: benchRoom(i) }));
      return { natives: sockets.map((socket) => new NativeEndpoint(socket)), close };
    };
    log(`  ngIRCd ${ircd.port} (pid ${ircdPid}) with ${2 * pairs} IRC clients in ${2 * pairs} channels, in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // Stage 1: the direct baseline and the relay floor.
    const relay = await startIrcRelayBaseline(resources, ROOT, ircd);
    const stopRelay = cleanups.add(() => relay.stop());
    const relayNatives = await connectNatives(relay.url);
    const relayWorld: World = { pids: { gateway: relay.pid, server: ircdPid }, natives: relayNatives.natives, ia, ib };
    log(`  relay floor pid ${relay.pid}`);
    paths.push(await measurePath("irc-direct", relayWorld, opts));
    await prime(relayWorld, "relay-native-to-irc");
    paths.push(await measurePath("relay-native-to-irc", relayWorld, opts));
    paths.push(await measurePath("relay-irc-to-native", relayWorld, opts));
    for (const problem of problemLines(relay.process.problems).slice(0, 10)) log(`  relay said: ${problem}`);
    await cleanups.now(relayNatives.close);
    await cleanups.now(stopRelay);

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
    const stopDaemon = cleanups.add(() => daemon.stop());
    const daemonNatives = await connectNatives(daemon.url);
    const world: World = { pids: { gateway: daemon.pid, server: ircdPid }, natives: daemonNatives.natives, ia, ib };
    const primed = performance.now();
    await prime(world, "native-to-irc");
    log(`  daemon pid ${daemon.pid}; ${pairs} puppets connected and joined in ${((performance.now() - primed) / 1000).toFixed(1)} s`);
    paths.push(await measurePath("native-to-irc", world, opts));
    paths.push(await measurePath("irc-to-native", world, opts));
    for (const problem of problemLines([...daemon.process.problems, ...wires.flatMap((wire) => wire.problems)]).slice(0, 10)) log(`  problem: ${problem}`);
    await cleanups.now(daemonNatives.close);
    await cleanups.now(stopDaemon);

    // Stage 3: the memory of puppets, in a fresh daemon.
    const memory = opts.puppets > 0 ? await measurePuppetMemory(resources, opts, ircd, ircdPid, cleanups) : undefined;
    log(`  run took ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return { paths, memory };
  } finally {
    await cleanups.runAll();
  }
}

function ngircdVersion(): string {
  try {
    return execFileSync("ngircd", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n", 1)[0]?.split("-", 1)[0] ?? "unknown";
  } catch {
    return "unknown";
  }
}

const machine = (): string => machineDescription(ngircdVersion());

async function main(): Promise<void> {
  const opts = parseOptions(OPTIONS);
  // A run takes about 50 s on a 2-core machine (240 s allowed per run); a hang must not outlive that by much.
  const resources = benchResources("bench:irc", opts.runs * 240_000 + 30_000);

  logHeader("Switchboard IRC paths against a real ngIRCd, beside client -> ngIRCd -> client", machine(), opts.daemonRoot);
  log(
    `load: ${opts.pairs} pairs per path (each its own sender and receiver connection, a channel each); burst ${opts.messages} messages per path, ` +
      `end-to-end window ${opts.window} per pair; paced ${opts.rate} msg/s for ${opts.seconds} s; one generator process; ` +
      `lean raw IRC clients and raw ws native clients; daemon flood control ${FLOOD.burst} lines, ${FLOOD.linesPerSecond}/s per connection (what a public server tolerates)` +
      (opts.puppets > 0 ? `; memory: ${opts.puppets} puppets in one bridged room` : ""),
  );
  const began = performance.now();
  const runs = await repeatRuns(opts.runs, (index) => run(resources, opts, index));
  const limits: IrcLimits = { pairs: opts.pairs, linesPerSecond: FLOOD.linesPerSecond, cpuCount: cpus().length };

  log("");
  log(`${resultsHeading(opts.runs)} (GW = the gateway process: the relay floor or Switchboard; CPU % of one core; other = the rest of the machine):`);
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
  saveResults(opts, machine, opts, runs);
}

runBench("bench:irc", main);
