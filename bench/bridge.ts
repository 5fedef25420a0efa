/**
 * `npm run bench:bridge`: an IRC channel bridged to an XMPP MUC, through Switchboard and through Biboumi, against the
 * same Prosody and the same ngIRCd started here, beside each leg alone (the physical floor), measured in the same
 * run with the same clients. docs/performance.md ("IRC channel <-> XMPP MUC against Biboumi") explains what is
 * measured and records the figures.
 *
 * Both gateways are XEP-0114 components of the Prosody, one after the other on its component domain, with the IRC
 * channel #bridge of the ngIRCd as a MUC of that domain: Switchboard's gateway room `#bridge@<domain>` (an IRC
 * network in puppet mode, the channel bridged to the native room `bridge`), Biboumi's `#bridge%127.0.0.1@<domain>`.
 * Configurations: Switchboard with its message log on and off (store.message_log); Biboumi recording history (its
 * default) and with history off. Flood control is lifted in all four (SERVERS.md): Switchboard's
 * irc.networks[].flood at 10,000 lines/s, Biboumi's throttle_limit -1 (its default, 1 line a second after 10,
 * would make a burst of 5,000 last 80 minutes), set with its ad-hoc commands from the bench's own XMPP clients.
 *
 * Paths, one sender and one receiver each: IRC client ia says in #bridge, XMPP occupant xr receives (IRC -> XMPP);
 * XMPP occupant xs says in the MUC, IRC client ib receives (XMPP -> IRC); the legs alone are ia -> #direct -> ib
 * and xs -> direct@<MUC service> -> xr. For each: a burst (end-to-end window) for throughput, a paced phase for
 * latency, lost/duplicated/reordered by sequence token (bench/traffic-phase.ts), and the CPU of the gateway, of
 * Prosody and ngIRCd together, and of the generator. Then, per configuration, N more XMPP users join the bridged
 * MUC: the gateway's RSS growth / N is the RSS per bridged user.
 *
 * Options: --runs N (medians over N runs), --messages N (burst, per path), --warmup N, --window W, --rate R msg/s,
 * --seconds S, --users N (memory stage; 0 skips it), --json FILE, --cpu-prof DIR (V8 CPU profiles of the two
 * Switchboard daemons, run 1), --daemon-root DIR (the daemon from another checkout).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { startNgircd, type IrcServer } from "../test/helpers/irc-servers.js";
import { startProsody, type ProsodyServer } from "../test/helpers/servers.js";
import { machineDescription } from "./bench-environment.js";
import { benchResources, log, logHeader, repeatRuns, resultsHeading, runBench, saveResults } from "./bench-main.js";
import { integer, loadOptions, outputAndDaemonOptions, parseOptions, RUNS_OPTION, type OptionValues } from "./bench-options.js";
import { configure, startBiboumi } from "./biboumi.js";
import { bridgeResultsTable, comparisonTable, DIRECTIONS, GATEWAYS, PATHS, SERVERS, targetChecks, type BridgePathId, type BridgePathResult, type BridgeRunResult, type GatewayId, type UserMemory } from "./bridge-report.js";
import { rssKiB, type Resources } from "./child-processes.js";
import { startDaemon } from "./daemon-process.js";
import { measurePathPhases, type GatewayPids } from "./gateway-phases.js";
import { Cleanups, names } from "./gateway-stage.js";
import { inParallel } from "./in-parallel.js";
import { IrcEndpoint, Pair, PathTraffic } from "./irc-traffic.js";
import { IrcWire } from "./irc-wire.js";
import { collectGarbage, ircNetworkConfig, ngircdPid } from "./irc-servers.js";
import { componentConfig, prosodyPid } from "./xmpp-servers.js";
import { XmppEndpoint } from "./xmpp-traffic.js";
import { XmppWire } from "./xmpp-wire.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PASSWORD = "bench-password";
const CHANNEL = "#bridge";
const IRC_SERVER = "127.0.0.1";
/** Flood control lifted (the schema's maximum), as Biboumi's throttle is. */
const FLOOD_LIFTED = 10_000;
/** puppets.max_connections: room for every user of the memory stage. */
const MAX_PUPPETS = 500;

const OPTIONS = {
  ...RUNS_OPTION,
  ...loadOptions({ messages: 5000, warmup: 500, window: 50, rate: 50, seconds: 8 }),
  users: integer(50, 0),
  ...outputAndDaemonOptions(ROOT),
};

type Options = OptionValues<typeof OPTIONS>;

/** The processes and clients every stage of a run shares. */
interface Setting {
  readonly resources: Resources;
  readonly opts: Options;
  readonly prosody: ProsodyServer;
  readonly ircd: IrcServer;
  readonly servers: readonly number[];
  readonly ia: IrcEndpoint;
  readonly ib: IrcEndpoint;
  readonly cleanups: Cleanups;
  readonly profileDir: string | undefined;
}

/** A gateway running as Prosody's component, and how its users reach the bridged channel. */
interface RunningGateway {
  readonly pid: number;
  /** The bridged MUC's JID. */
  readonly room: string;
  /** What a user does before joining (Biboumi: its ad-hoc settings). */
  prepare(wire: XmppWire): Promise<void>;
  /** Before each RSS reading: a full garbage collection in Switchboard (through its inspector); nothing for Biboumi. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

function openXmpp(prosody: ProsodyServer, user: string): Promise<XmppWire> {
  return XmppWire.open({ host: prosody.host, port: prosody.c2sPort, domain: prosody.domain, user, password: PASSWORD, resource: "bench" });
}

async function startSwitchboard(setting: Setting, messageLog: boolean): Promise<RunningGateway> {
  const { prosody, ircd } = setting;
  const daemon = await startDaemon(setting.resources, setting.opts.daemonRoot, {
    users: [],
    password: PASSWORD,
    framesPerSecond: 100,
    cpuProfileDir: setting.profileDir,
    tempPrefix: "switchboard-bench-bridge-",
    writtenBy: "bench/bridge.ts",
    storeConfig: [`  message_log: ${messageLog}`],
    networkConfig: [
      ...componentConfig(prosody),
      ...ircNetworkConfig(ircd, [{ channel: CHANNEL, room: "bridge" }], { burst: FLOOD_LIFTED, linesPerSecond: FLOOD_LIFTED }, MAX_PUPPETS),
    ],
    readyMessages: ["XMPP component online", "IRC network online"],
    inspect: true,
  });
  const inspector = daemon.inspectorUrl as string;
  return {
    pid: daemon.pid,
    room: `${CHANNEL}@${prosody.componentDomain}`,
    prepare: async () => undefined,
    settle: async () => void (await collectGarbage(inspector)),
    stop: () => daemon.stop(),
  };
}

async function startBiboumiGateway(setting: Setting, recordHistory: boolean, admin: XmppWire): Promise<RunningGateway> {
  const { prosody, ircd } = setting;
  const biboumi = await startBiboumi(setting.resources, admin, {
    domain: prosody.componentDomain,
    secret: prosody.componentSecret,
    xmppHost: prosody.host,
    componentPort: prosody.componentPort,
  });
  return {
    pid: biboumi.pid,
    room: biboumi.room(CHANNEL, IRC_SERVER),
    prepare: async (wire) => {
      await configure(wire, `${IRC_SERVER}@${biboumi.domain}`, { ports: [String(ircd.port)], tls_ports: [], throttle_limit: ["-1"] });
      await configure(wire, biboumi.domain, { record_history: [recordHistory ? "true" : "false"] });
    },
    settle: async () => undefined,
    stop: () => biboumi.stop(),
  };
}

/** Sends one message each way and fails unless it arrives: puppets and IRC connections are up before the clock runs. */
async function prime(pairs: readonly Pair[], what: string): Promise<void> {
  for (const pair of pairs) {
    const result = await new PathTraffic([pair]).burst(1, 1, 20_000);
    if (!result.complete) throw new Error(`${what}: a first message did not arrive (errors ${JSON.stringify(result.errorCodes)})`);
  }
}

/** RSS of the gateway before and after `count` more XMPP users joined the bridged MUC (each prepared first). */
async function measureUsers(setting: Setting, gateway: RunningGateway, id: GatewayId): Promise<UserMemory> {
  const count = setting.opts.users;
  const users = names(`${id.startsWith("biboumi") ? "bm" : "sm"}`, count);
  const wires = await inParallel(count, 10, (i) => openXmpp(setting.prosody, users[i] as string));
  try {
    await inParallel(count, 10, (i) => gateway.prepare(wires[i] as XmppWire));
    await sleep(1000);
    await gateway.settle();
    const rssBeforeKiB = rssKiB(gateway.pid);
    await inParallel(count, 10, (i) => (wires[i] as XmppWire).joinMuc(`${gateway.room}/${users[i] as string}`, 30_000));
    await sleep(2000);
    await gateway.settle();
    const memory = { users: count, rssBeforeKiB, rssAfterKiB: rssKiB(gateway.pid) };
    log(`    memory: RSS ${(rssBeforeKiB / 1024).toFixed(1)} -> ${(memory.rssAfterKiB / 1024).toFixed(1)} MiB with ${count} more users in the room`);
    return memory;
  } finally {
    await Promise.all(wires.map((wire) => wire.close()));
  }
}

/** One gateway configuration: started, its two occupants joined, both directions measured, then the memory stage. */
async function measureGateway(setting: Setting, id: GatewayId, paths: BridgePathResult[], memory: Partial<Record<GatewayId, UserMemory>>): Promise<void> {
  const { prosody, opts, ia, ib, cleanups } = setting;
  const prefix = id.startsWith("biboumi") ? "b" : "s";
  const [xs, xr] = await Promise.all([openXmpp(prosody, `${prefix}xs`), openXmpp(prosody, `${prefix}xr`)]);
  const closeClients = cleanups.add(async () => {
    await Promise.all([xs.close(), xr.close()]);
  });
  const gateway =
    id === "switchboard-log" || id === "switchboard-nolog" ? await startSwitchboard(setting, id === "switchboard-log") : await startBiboumiGateway(setting, id === "biboumi-defaults", xs);
  const stopGateway = cleanups.add(() => gateway.stop());
  for (const wire of [xs, xr]) {
    await gateway.prepare(wire);
    await wire.joinMuc(`${gateway.room}/${wire.bareJid.split("@")[0] as string}`, 30_000);
  }
  const sender = new XmppEndpoint(xs);
  const receiver = new XmppEndpoint(xr);
  const pairOf = (direction: (typeof DIRECTIONS)[number]["id"]): Pair =>
    direction === "irc-to-xmpp" ? new Pair(0, ia, receiver, ia.sayTo(CHANNEL)) : new Pair(0, sender, ib, sender.messageTo(gateway.room, "groupchat"));
  await prime(
    DIRECTIONS.map((direction) => pairOf(direction.id)),
    id,
  );
  const pids: GatewayPids = { gateway: gateway.pid, server: setting.servers };
  log(`  ${GATEWAYS.find((gateway) => gateway.id === id)?.label ?? id}: pid ${gateway.pid}, room ${gateway.room}`);
  for (const direction of DIRECTIONS) {
    const pathId: BridgePathId = `${id}:${direction.id}`;
    const path = PATHS.find((info) => info.id === pathId) ?? { id: pathId, label: pathId };
    paths.push(await measurePathPhases(path, new PathTraffic([pairOf(direction.id)]), pids, SERVERS, { ...opts, pairs: 1 }));
  }
  if (opts.users > 0) memory[id] = await measureUsers(setting, gateway, id);
  await cleanups.now(closeClients);
  await cleanups.now(stopGateway);
}

async function run(resources: Resources, opts: Options, index: number): Promise<BridgeRunResult> {
  const cleanups = new Cleanups();
  const paths: BridgePathResult[] = [];
  const memory: Partial<Record<GatewayId, UserMemory>> = {};
  try {
    const started = performance.now();
    const users = [...["sxs", "sxr", "bxs", "bxr", "dxs", "dxr"], ...names("sm", opts.users), ...names("bm", opts.users)];
    const prosody = await startProsody();
    cleanups.add(() => prosody.dispose());
    await inParallel(users.length, 8, (i) => prosody.register(users[i] as string, PASSWORD));
    const ircd = await startNgircd();
    cleanups.add(() => ircd.dispose());
    const servers = [prosodyPid(prosody), ngircdPid(ircd)];
    const [ia, ib] = await Promise.all(["ia", "ib"].map((nick) => IrcWire.open({ host: ircd.host, port: ircd.port, nick })));
    cleanups.add(async () => {
      await Promise.all([ia?.close(), ib?.close()]);
    });
    for (const wire of [ia, ib] as IrcWire[]) {
      await wire.join("#direct");
      await wire.join(CHANNEL);
    }
    const setting: Setting = {
      resources,
      opts,
      prosody,
      ircd,
      servers,
      ia: new IrcEndpoint(ia as IrcWire),
      ib: new IrcEndpoint(ib as IrcWire),
      cleanups,
      profileDir: opts.cpuProfileDir && index === 0 ? opts.cpuProfileDir : undefined,
    };
    log(`  Prosody ${prosody.c2sPort} and ngIRCd ${ircd.port} (pids ${servers.join(", ")}), ${users.length} XMPP accounts, in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // The legs alone: IRC channel, then Prosody MUC.
    const [dxs, dxr] = await Promise.all([openXmpp(prosody, "dxs"), openXmpp(prosody, "dxr")]);
    const closeDirect = cleanups.add(async () => {
      await Promise.all([dxs.close(), dxr.close()]);
    });
    const muc = `direct@${prosody.mucDomain}`;
    await dxs.joinMuc(`${muc}/dxs`);
    await dxr.joinMuc(`${muc}/dxr`);
    const direct: GatewayPids = { gateway: servers[1] as number, server: servers };
    const dxsEndpoint = new XmppEndpoint(dxs);
    for (const [id, pair] of [
      ["irc-direct", new Pair(0, setting.ia, setting.ib, setting.ia.sayTo("#direct"))],
      ["muc-direct", new Pair(0, dxsEndpoint, new XmppEndpoint(dxr), dxsEndpoint.messageTo(muc, "groupchat"))],
    ] as const) {
      const path = PATHS.find((info) => info.id === id) ?? { id, label: id };
      paths.push(await measurePathPhases(path, new PathTraffic([pair]), direct, SERVERS, { ...opts, pairs: 1 }));
    }
    await cleanups.now(closeDirect);

    for (const gateway of GATEWAYS) await measureGateway(setting, gateway.id, paths, memory);
    log(`  run took ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return { paths, memory };
  } finally {
    await cleanups.runAll();
  }
}

function versionOf(command: string, args: readonly string[]): string {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n", 1)[0] ?? "unknown";
  } catch {
    return "unknown";
  }
}

const machine = (): string =>
  machineDescription(`ngIRCd ${versionOf("ngircd", ["--version"]).split("-", 1)[0] ?? ""}, biboumi ${versionOf("dpkg-query", ["-W", "-f=${Version}", "biboumi"])}`);

async function main(): Promise<void> {
  const opts = parseOptions(OPTIONS);
  // A run takes about 3 minutes on a 2-core machine; a hang must not outlive that by much.
  const resources = benchResources("bench:bridge", opts.runs * 360_000 + 60_000);
  logHeader("IRC channel <-> XMPP MUC through Switchboard and through Biboumi, against the same Prosody and ngIRCd", machine(), opts.daemonRoot);
  log(
    `load: one sender and one receiver per path; burst ${opts.messages} messages, end-to-end window ${opts.window}; paced ${opts.rate} msg/s for ${opts.seconds} s; ` +
      `flood control lifted in both gateways; memory: ${opts.users} more XMPP users join the bridged room`,
  );
  const began = performance.now();
  const runs = await repeatRuns(opts.runs, (index) => run(resources, opts, index));
  log("");
  log(`${resultsHeading(opts.runs)} (GW = the gateway: Switchboard or Biboumi; CPU % of one core; other = the rest of the machine):`);
  log(bridgeResultsTable(runs, opts.rate));
  log("");
  log(comparisonTable(runs, opts.rate));
  log("");
  log("Targets, in each configuration and direction: Switchboard's p50 and CPU per message at most Biboumi's, its throughput at least Biboumi's, nothing lost or reordered.");
  for (const check of targetChecks(runs)) log(`  ${check.label}: ${check.text}`);
  log(`bench:bridge took ${((performance.now() - began) / 1000).toFixed(0)} s`);
  saveResults(opts, machine, opts, runs);
}

runBench("bench:bridge", main);
