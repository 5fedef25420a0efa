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
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import type { WebSocket } from "ws";
import { startProsody, type ProsodyServer } from "../test/helpers/servers.js";
import { machineDescription } from "./bench-environment.js";
import { benchResources, log, logHeader, repeatRuns, resultsHeading, runBench, saveResults } from "./bench-main.js";
import { loadOptions, outputAndDaemonOptions, parseOptions, RUNS_OPTION, integer, type OptionValues } from "./bench-options.js";
import type { Resources } from "./child-processes.js";
import { measurePathPhases, type GatewayPids } from "./gateway-phases.js";
import { Cleanups, names, openNativeClients } from "./gateway-stage.js";
import { inParallel } from "./in-parallel.js";
import { busyPhases } from "./path-figures.js";
import { nativeRequest } from "./native-session.js";
import { PATHS, PROSODY, setCpuCount, targetChecks, xmppResultsTable, type PathId, type PathResult, type XmppRunResult, type XmppTargets } from "./xmpp-report.js";
import { prosodyPid, startGatewayDaemon, startRelayBaseline } from "./xmpp-servers.js";
import { NativeEndpoint, Pair, PathTraffic, XmppEndpoint } from "./xmpp-traffic.js";
import { XmppWire } from "./xmpp-wire.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PASSWORD = "bench-password";
const TARGETS: XmppTargets = { addedP50Fraction: 0.1, throughput: 5000 };
const FRAMES_PER_SECOND = 100_000;

/** --only a,b: the paths chosen, with the floor of each and the direct baseline; every path when absent. */
function onlyPaths(text: string | undefined): ReadonlySet<PathId> {
  const ids = new Set(PATHS.map((path) => path.id));
  const only = text === undefined ? ids : new Set(text.split(",").map((id) => id.trim()) as PathId[]);
  for (const id of only) if (!ids.has(id)) throw new Error(`--only: unknown path ${id}; paths: ${[...ids].join(", ")}`);
  for (const path of PATHS) if (path.floor && only.has(path.id)) only.add(path.floor);
  only.add("xmpp-direct");
  return only;
}

const OPTIONS = {
  ...RUNS_OPTION,
  pairs: integer(10, 1),
  ...loadOptions({ messages: 20_000, warmup: 2000, window: 50, rate: 200, seconds: 5 }),
  ...outputAndDaemonOptions(ROOT),
  only: { parse: onlyPaths },
};

type Options = OptionValues<typeof OPTIONS>;

/** The clients and processes of one stage: the relay baseline's, then the daemon's. */
interface World {
  readonly prosody: ProsodyServer;
  readonly pids: GatewayPids;
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

function measurePath(id: PathId, world: World, opts: Options): Promise<PathResult> {
  const path = PATHS.find((info) => info.id === id) ?? { id, label: id };
  return measurePathPhases(path, new PathTraffic(pairsFor(id, world)), world.pids, PROSODY, opts);
}

async function run(resources: Resources, opts: Options, index: number): Promise<XmppRunResult> {
  const cleanups = new Cleanups();
  const profileDir = opts.cpuProfileDir && index === 0 ? opts.cpuProfileDir : undefined;
  // Stage 1 measures the direct baseline and the relay's paths; stage 2 Prosody's MUC and the daemon's paths.
  const stage1 = PATHS.filter((path) => opts.only.has(path.id) && (path.gateway === "relay" || path.id === "xmpp-direct")).map((path) => path.id);
  const stage2 = PATHS.filter((path) => opts.only.has(path.id) && !stage1.includes(path.id)).map((path) => path.id);
  const paths: PathResult[] = [];
  try {
    const started = performance.now();
    const prosody = await startProsody();
    cleanups.add(() => prosody.dispose());
    const pairs = opts.pairs;
    const xmppNames = [...names("xa", pairs), ...names("xb", pairs)];
    await inParallel(xmppNames.length, 8, (i) => prosody.register(xmppNames[i] as string, PASSWORD));
    const wires = await inParallel(xmppNames.length, 10, (i) =>
      XmppWire.open({ host: prosody.host, port: prosody.c2sPort, domain: prosody.domain, user: xmppNames[i] as string, password: PASSWORD, resource: "bench" }),
    );
    cleanups.add(async () => {
      await Promise.all(wires.map((wire) => wire.close()));
    });
    const xa = wires.slice(0, pairs).map((wire) => new XmppEndpoint(wire));
    const xb = wires.slice(pairs).map((wire) => new XmppEndpoint(wire));
    const prosodyProcess = prosodyPid(prosody);
    const nativeNames = Array.from({ length: pairs }, (_, i) => nativeName(i));
    const rooms = names("benchroom", pairs);
    const mucs = names("benchmuc", pairs).map((name) => `${name}@${prosody.mucDomain}`);
    const connectNatives = async (url: string): Promise<{ natives: NativeEndpoint[]; close: () => Promise<void> }> => {
      const { sockets, close } = await openNativeClients(url, nativeNames, PASSWORD, cleanups);
      return { natives: sockets.map((socket) => new NativeEndpoint(socket)), close };
    };
    log(`  Prosody ${prosody.domain} (pid ${prosodyProcess}, c2s ${prosody.c2sPort}) with ${2 * pairs} XMPP sessions in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // Stage 1: the direct baseline and the relay floor, with the relay as Prosody's component.
    const relay = await startRelayBaseline(resources, ROOT, prosody);
    const stopRelay = cleanups.add(() => relay.stop());
    const relayNatives = await connectNatives(relay.url);
    const relayWorld: World = { prosody, pids: { gateway: relay.pid, server: prosodyProcess }, natives: relayNatives.natives, xa, xb, rooms, mucs };
    log(`  relay baseline pid ${relay.pid}`);
    for (const id of stage1) paths.push(await measurePath(id, relayWorld, opts));
    for (const problem of relay.process.problems.slice(0, 10)) log(`  relay said: ${problem}`);
    await cleanups.now(relayNatives.close);
    await cleanups.now(stopRelay);

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
    cleanups.add(() => daemon.stop());
    const daemonNatives = await connectNatives(daemon.url);
    const world: World = { prosody, pids: { gateway: daemon.pid, server: prosodyProcess }, natives: daemonNatives.natives, xa, xb, rooms, mucs };
    await inParallel(pairs, pairs, async (i) => {
      await nativeRequest(daemonNatives.natives[i]?.socket as WebSocket, { type: "room.create", name: rooms[i] }, 5000);
      const b = (xb[i] as XmppEndpoint).wire;
      await b.joinMuc(`#${rooms[i]}@${prosody.componentDomain}/${b.bareJid.split("@")[0]}`);
      await (xa[i] as XmppEndpoint).wire.joinMuc(`${mucs[i]}/a`);
      await b.joinMuc(`${mucs[i]}/b`);
    });
    log(`  daemon pid ${daemon.pid}; ${pairs} gateway rooms and ${pairs} Prosody MUCs joined`);
    for (const id of stage2) paths.push(await measurePath(id, world, opts));
    const problems = [...daemon.process.problems, ...wires.flatMap((wire) => wire.problems)];
    for (const problem of problems.slice(0, 10)) log(`  problem: ${problem}`);
    return { paths };
  } finally {
    await cleanups.runAll();
  }
}

function prosodyVersion(): string {
  try {
    return readFileSync("/usr/lib/prosody/prosody.version", "utf8").trim();
  } catch {
    return "unknown";
  }
}

const machine = (): string => machineDescription(`Prosody ${prosodyVersion()}`);

async function main(): Promise<void> {
  const opts = parseOptions(OPTIONS);
  setCpuCount(cpus().length);
  // A run takes about a minute and a half on a 2-core machine; a hang must not outlive that by much.
  const resources = benchResources("bench:xmpp", opts.runs * 150_000 + 30_000);

  logHeader("Switchboard XMPP paths against a real Prosody, beside client -> Prosody -> client", machine(), opts.daemonRoot);
  log(
    `load: ${opts.pairs} pairs per path (each its own sender and receiver connection); burst ${opts.messages} messages per path, ` +
      `end-to-end window ${opts.window} per pair; paced ${opts.rate} msg/s for ${opts.seconds} s; one generator process; ` +
      `lean raw XMPP clients (SASL PLAIN) and raw ws native clients; daemon rate_limit ${FRAMES_PER_SECOND} frames/s`,
  );
  const runs = await repeatRuns(opts.runs, (index) => run(resources, opts, index));

  log("");
  log(`${resultsHeading(opts.runs)} (GW = the gateway process: the relay or Switchboard; CPU % of one core; other = the rest of the machine):`);
  log(xmppResultsTable(runs, opts.rate));
  log("");
  log(`Targets: the gateway adds <= ${TARGETS.addedP50Fraction * 100}% to the direct path's p50; >= ${TARGETS.throughput.toLocaleString("en-US")} msg/s with Prosody as the limit.`);
  for (const check of targetChecks(runs, TARGETS)) log(`  ${check.label}: ${check.text}`);
  if (busyPhases(runs, PROSODY.key).includes("burst")) {
    log("Warning: other processes used over 25% of a core during a burst (the \"other\" column): the machine was not quiet; burst figures are disturbed.");
  }
  saveResults(opts, machine, { ...opts, only: [...opts.only] }, runs);
}

runBench("bench:xmpp", main);
