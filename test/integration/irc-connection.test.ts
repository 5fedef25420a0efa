/**
 * IrcConnection, the one-connection layer of the IRC adapter, against real ngIRCd and InspIRCd servers
 * (test/helpers/irc-servers.ts) and real IRC test clients (test/helpers/irc-client.ts). What real servers
 * cannot show easily (the exact bytes of SASL exchanges and their failure paths, a server gone silent, lines in
 * the same write as the end of the MOTD) runs against a scripted server (test/helpers/scripted-irc-server.ts);
 * SASL against real services (InspIRCd + Atheme) is in irc-sasl.test.ts.
 *
 * InspIRCd holds each registration about one second, so its connections are few: one shared connection per
 * describe, one server per describe.
 */
import { strict as assert } from "node:assert";
import { Socket } from "node:net";
import { IrcConnection, type IrcConnectionEvents, type IrcConnectionOptions } from "../../src/adapters/irc/irc-connection.js";
import { lineSentAt } from "../../src/adapters/irc/irc-line.js";
import { nextNickCandidate } from "../../src/adapters/irc/nicks.js";
import type { Schedule } from "../../src/adapters/irc/token-bucket.js";
import { GatewayError, type ErrorCode } from "../../src/core/errors.js";
import { createLogger } from "../../src/core/logger.js";
import { IrcTestClient, type IrcMessage } from "../helpers/irc-client.js";
import { startInspircd, startNgircd, type IrcServer } from "../helpers/irc-servers.js";
import { ScriptedIrcServer, registerReply, type ScriptedPeer } from "../helpers/scripted-irc-server.js";
import { within } from "../helpers/within.js";

/** Installing a Debian package on a fresh machine may take minutes; start-up itself is bounded. */
const INSTALL_TIMEOUT_MS = 11 * 60 * 1000;
const TEXT = "Grüße, 世界 👋🏽 <&> \"quotes\" :colon; tab\there";
const log = createLogger("silent");

interface Endpoint {
  readonly host: string;
  readonly port: number;
}

function optionsFor(endpoint: Endpoint, nick: string, extra: Partial<IrcConnectionOptions> = {}): IrcConnectionOptions {
  return {
    host: endpoint.host,
    port: endpoint.port,
    nick,
    username: "sb",
    realname: "Switchboard test",
    fallbackEncoding: "windows-1252",
    flood: { burst: 100, linesPerSecond: 100 },
    connectTimeoutMs: 8000,
    log,
    ...extra,
  };
}

/** The next `event` whose payload matches; listen BEFORE causing it. */
function nextEvent<K extends keyof IrcConnectionEvents>(
  connection: IrcConnection,
  event: K,
  matches: (payload: IrcConnectionEvents[K]) => boolean = () => true,
  ms = 3000,
): Promise<IrcConnectionEvents[K]> {
  let listener: ((payload: IrcConnectionEvents[K]) => void) | undefined;
  const seen = new Promise<IrcConnectionEvents[K]>((resolve) => {
    listener = (payload) => {
      if (matches(payload)) resolve(payload);
    };
    connection.on(event, listener);
  });
  return within(seen, `the "${String(event)}" event`, ms).finally(() => {
    if (listener) connection.off(event, listener);
  });
}

/** Asserts that `promise` rejects with a GatewayError of `code`; returns it for more checks. */
async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<GatewayError> {
  let caught: unknown;
  await promise.then(
    () => assert.fail(`expected a rejection with ${code}`),
    (error: unknown) => (caught = error),
  );
  assert.ok(caught instanceof GatewayError, `expected a GatewayError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

function privmsgTo(client: IrcTestClient, target: string): (line: IrcMessage) => boolean {
  return (line) => line.command === "PRIVMSG" && client.same(line.params[0], target);
}

/** Tracks what a test opens, and closes it after the test. */
class Opened {
  readonly connections: IrcConnection[] = [];
  readonly clients: IrcTestClient[] = [];

  async connect(options: IrcConnectionOptions): Promise<IrcConnection> {
    const connection = await IrcConnection.connect(options);
    this.connections.push(connection);
    return connection;
  }

  async client(server: IrcServer, nick: string): Promise<IrcTestClient> {
    const client = await IrcTestClient.connect(server, nick);
    this.clients.push(client);
    return client;
  }

  async closeAll(): Promise<void> {
    for (const connection of this.connections.splice(0)) connection.destroy();
    await Promise.all(this.clients.splice(0).map((client) => client.quit()));
  }
}

describe("IrcConnection on ngIRCd", function () {
  let server: IrcServer;
  const opened = new Opened();

  before(async function () {
    this.timeout(INSTALL_TIMEOUT_MS);
    server = await startNgircd({ tls: true });
  });

  afterEach(async function () {
    await opened.closeAll();
    if (this.currentTest?.state === "failed") console.log(server.log().slice(-3000));
  });

  after(async () => {
    await server?.dispose();
  });

  it("registers and reports the server's NICKLEN, case mapping, no MONITOR and the enabled caps", async () => {
    const connection = await opened.connect(optionsFor(server, "sbInfo", { caps: ["multi-prefix", "away-notify"] }));
    assert.equal(connection.nick, "sbInfo");
    assert.equal(connection.server.nickLen, Number(connection.server.isupport.get("NICKLEN")));
    assert.equal(connection.server.caseMapping, "ascii");
    assert.equal(connection.server.monitor, undefined, "ngIRCd has no MONITOR");
    assert.equal(connection.server.lineLen, 512);
    assert.deepEqual([...connection.caps], ["multi-prefix"], "away-notify is requested but not offered");
    assert.equal(connection.ownUser, "~sb");
    assert.equal(connection.ownHost, "127.0.0.1");
    assert.equal(connection.pendingLines, 0);
  });

  it("turns a PRIVMSG, an ACTION and a NOTICE from an IRC user into message events with exact text", async () => {
    const connection = await opened.connect(optionsFor(server, "sbMsg"));
    const alice = await opened.client(server, "alice");
    const privmsg = nextEvent(connection, "message", (event) => event.kind === "privmsg");
    alice.privmsg("sbMsg", TEXT);
    const message = await privmsg;
    assert.equal(message.text, TEXT);
    assert.equal(message.target, "sbMsg");
    assert.deepEqual({ nick: message.from.nick, user: message.from.user, host: message.from.host }, { nick: "alice", user: "~alice", host: "127.0.0.1" });

    const action = nextEvent(connection, "message", (event) => event.kind === "action");
    alice.privmsg("sbMsg", "\x01ACTION waves 👋\x01");
    assert.equal((await action).text, "waves 👋");

    const notice = nextEvent(connection, "message", (event) => event.kind === "notice" && event.from.nick === "alice");
    alice.send("NOTICE sbMsg :\x02bold\x02 stays");
    assert.equal((await notice).text, "\x02bold\x02 stays", "formatting is not stripped");

    const ctcp = nextEvent(connection, "ctcp");
    alice.privmsg("sbMsg", "\x01VERSION\x01");
    const query = await ctcp;
    assert.deepEqual([query.from.nick, query.target, query.command, query.args], ["alice", "sbMsg", "VERSION", ""]);
    await assert.rejects(alice.waitFor((line) => line.command === "NOTICE" && line.params[1]?.startsWith("\x01VERSION") === true, 300), /timed out/, "irc-framework's own VERSION reply is off");
  });

  it("decodes a line that is not UTF-8 with the fallback encoding", async () => {
    const connection = await opened.connect(optionsFor(server, "sbLatin"));
    const bob = await opened.client(server, "bob");
    // IrcTestClient.send takes text only: these bytes go straight to its socket.
    const socket: unknown = Reflect.get(bob, "socket");
    assert.ok(socket instanceof Socket);
    const received = nextEvent(connection, "message");
    socket.write(Buffer.concat([Buffer.from("PRIVMSG sbLatin :caf"), Buffer.from([0xe9]), Buffer.from(" co"), Buffer.from([0xfb]), Buffer.from("te 5"), Buffer.from([0x80]), Buffer.from("\r\n")]));
    assert.equal((await received).text, "café coûte 5€");
    const utf8 = nextEvent(connection, "message");
    bob.privmsg("sbLatin", "café coûte 5€");
    assert.equal((await utf8).text, "café coûte 5€", "the next line, valid UTF-8, is read as UTF-8");
  });

  it("spaces 50 lines by the flood bucket (burst 5, 10 per second) and delivers them in order", async () => {
    let now = 0;
    const timers: Array<{ at: number; run: () => void; cancelled: boolean }> = [];
    const schedule: Schedule = (run, delayMs) => {
      const timer = { at: now + delayMs, run, cancelled: false };
      timers.push(timer);
      return () => void (timer.cancelled = true);
    };
    const connection = await opened.connect(optionsFor(server, "sbFlood", { flood: { burst: 5, linesPerSecond: 10 }, clock: () => now, schedule }));
    const carol = await opened.client(server, "carol");
    const written: number[] = [];
    for (let index = 0; index < 50; index++) connection.send("PRIVMSG", ["carol", `line ${index}`], (error) => (error ? assert.fail(error) : written.push(index)));
    assert.equal(connection.pendingLines, 45, "the burst of 5 went at once");
    const pendingAfterEachTick: number[] = [];
    while (connection.pendingLines > 0) {
      const timer = timers.filter((candidate) => !candidate.cancelled).sort((a, b) => a.at - b.at)[0];
      assert.ok(timer, "a timer waits while lines wait");
      timers.splice(timers.indexOf(timer), 1);
      now = timer.at;
      timer.run();
      pendingAfterEachTick.push(connection.pendingLines);
    }
    assert.deepEqual(pendingAfterEachTick, Array.from({ length: 45 }, (_, index) => 44 - index), "one line per tick");
    assert.equal(now, 4500, "45 lines at 10 per second take 4.5 s of the bucket's clock");
    const lines = await carol.waitForCount(privmsgTo(carol, "carol"), 50, 5000, "the 50 lines");
    assert.deepEqual(
      lines.map((line) => line.params[1]),
      Array.from({ length: 50 }, (_, index) => `line ${index}`),
    );
    await within(
      (async () => {
        while (written.length < 50) await new Promise((resolve) => setTimeout(resolve, 10));
      })(),
      "every done callback",
    );
    assert.deepEqual(written, Array.from({ length: 50 }, (_, index) => index), "each done, in order");
  });

  it("refuses a parameter holding CR LF before anything reaches the wire", async () => {
    const connection = await opened.connect(optionsFor(server, "sbSafe"));
    const dave = await opened.client(server, "dave");
    await dave.join("#safe");
    for (const params of [["dave", "hi\r\nJOIN #evil"], ["dave\r\nJOIN #evil", "hi"], ["dave", "hi\nJOIN #evil"]]) {
      assert.throws(() => connection.send("PRIVMSG", params), (error: unknown) => error instanceof GatewayError && error.condition === "unsafe-line");
    }
    assert.throws(() => connection.send("PRIVMSG\r\nJOIN", ["#evil"]), GatewayError);
    assert.equal(connection.pendingLines, 0);
    connection.send("PRIVMSG", ["dave", "after"]);
    const after = await dave.waitFor(privmsgTo(dave, "dave"));
    assert.equal(after.params[1], "after", "the first line dave gets is the safe one");
    const names = await dave.join("#evil");
    assert.ok(!names.some((name) => name.replace(/^[@+]/, "") === "sbSafe"), "no JOIN #evil came from the connection");
  });

  it("takes the next deterministic nick when the nick is in use, and gives up after maxNickAttempts", async () => {
    await opened.connect(optionsFor(server, "sbDupe"));
    const second = await opened.connect(optionsFor(server, "sbDupe"));
    assert.equal(second.nick, nextNickCandidate("sbDupe", 1));
    assert.equal(second.nick, "sbDupe_");
    const third = await opened.connect(optionsFor(server, "sbDupe"));
    assert.equal(third.nick, "sbDupe_2");
    const error = await rejectsWith(IrcConnection.connect(optionsFor(server, "sbDupe", { maxNickAttempts: 2 })), "GW_ERR_NICK_IN_USE");
    assert.equal(error.retryable, true);
  });

  it("reports ERR_NOSUCHNICK (401) as a failure event naming the target", async () => {
    const connection = await opened.connect(optionsFor(server, "sbFail"));
    const failure = nextEvent(connection, "failure");
    connection.send("PRIVMSG", ["nobodyHere", "hello?"]);
    const event = await failure;
    assert.equal(event.numeric, 401);
    assert.equal(event.name, "ERR_NOSUCHNICK");
    assert.equal(event.target, "nobodyHere");
    assert.equal(event.error.code, "GW_ERR_UNAVAILABLE");
    assert.equal(event.error.condition, "ERR_NOSUCHNICK");
  });

  it("fails a refused PRIVMSG's confirmation with the refusal, not a NOTICE before it nor a line before a refused TOPIC", async () => {
    const connection = await opened.connect(optionsFor(server, "sbRefuse"));
    const outcome = (send: (confirmed: (error?: GatewayError) => void) => void): Promise<string> =>
      new Promise((resolve) => send((error) => resolve(error === undefined ? "confirmed" : (error.condition ?? error.code))));
    // No server answers a NOTICE with an error: the 401 is the PRIVMSG's, sent after it.
    const notice = outcome((confirmed) => connection.send("NOTICE", ["goneNick", "a notice"], undefined, confirmed));
    const query = outcome((confirmed) => connection.send("PRIVMSG", ["goneNick", "a query"], undefined, confirmed));
    assert.deepEqual(await Promise.all([notice, query]), ["confirmed", "ERR_NOSUCHNICK"]);

    // A TOPIC refused for want of channel operator rights (482) is not a refusal of the line before it.
    const op = await opened.client(server, "topicOp");
    await op.join("#topiclock");
    op.send("MODE #topiclock +t");
    await op.waitFor((candidate) => candidate.command === "MODE" && candidate.params[1] === "+t");
    const joined = nextEvent(connection, "join");
    connection.send("JOIN", ["#topiclock"]);
    await joined;
    const line = outcome((confirmed) => connection.send("PRIVMSG", ["#topiclock", "a line"], undefined, confirmed));
    connection.send("TOPIC", ["#topiclock", "not mine to set"]);
    assert.equal(await line, "confirmed");
  });

  it("reports ISON replies, names, topics, joins, parts and away replies", async () => {
    const connection = await opened.connect(optionsFor(server, "sbIson"));
    const erin = await opened.client(server, "erin");
    await erin.join("#topics");
    erin.send("TOPIC #topics :the topic");
    const ison = nextEvent(connection, "ison");
    connection.send("ISON", ["erin", "ghost"]);
    assert.deepEqual((await ison).online, ["erin"]);

    const topic = nextEvent(connection, "topic");
    const names = nextEvent(connection, "names");
    const join = nextEvent(connection, "join");
    connection.send("JOIN", ["#topics"]);
    assert.deepEqual(await join, { nick: "sbIson", user: "~sb", host: "127.0.0.1", channel: "#topics" });
    assert.deepEqual(await topic, { channel: "#topics", topic: "the topic" });
    assert.deepEqual((await names).nicks.sort(), ["erin", "sbIson"]);

    const away = nextEvent(connection, "away");
    erin.send("AWAY :lunch");
    await erin.waitFor((line) => line.command === "306");
    connection.send("PRIVMSG", ["erin", "hi"]);
    assert.deepEqual(await away, { nick: "erin", message: "lunch" });

    const who = nextEvent(connection, "who");
    connection.send("WHO", ["erin"]);
    assert.deepEqual(await who, { nick: "erin", away: true, user: "~erin", host: "127.0.0.1" });

    const part = nextEvent(connection, "part");
    erin.send("PART #topics :bye now");
    assert.deepEqual(await part, { nick: "erin", channel: "#topics", reason: "bye now" });
  });

  it("connects over TLS trusting the server's certificate as the CA", async () => {
    const connection = await opened.connect(optionsFor({ host: server.host, port: server.tlsPort ?? 0 }, "sbTls", { tls: { verify: true, ...(server.certificatePem ? { ca: server.certificatePem } : {}) } }));
    assert.equal(connection.nick, "sbTls");
  });

  it("rejects an unknown self-signed certificate with GW_ERR_UNAVAILABLE naming the problem", async () => {
    const error = await rejectsWith(IrcConnection.connect(optionsFor({ host: server.host, port: server.tlsPort ?? 0 }, "sbNoTrust", { tls: { verify: true } })), "GW_ERR_UNAVAILABLE");
    assert.match(error.message, /self-signed certificate/);
    assert.equal(error.condition, "DEPTH_ZERO_SELF_SIGNED_CERT");
    assert.equal(error.retryable, true);
  });

  it("connects over TLS to an unknown certificate when verify is false", async () => {
    const connection = await opened.connect(optionsFor({ host: server.host, port: server.tlsPort ?? 0 }, "sbNoVerify", { tls: { verify: false } }));
    assert.equal(connection.nick, "sbNoVerify");
  });

  it("refuses to register without SASL when SASL is configured and the server offers none", async () => {
    const watcher = await opened.client(server, "watcher");
    for (const sasl of [{ mechanism: "PLAIN" as const, username: "acct", password: "secret" }, { mechanism: "EXTERNAL" as const }]) {
      const error = await rejectsWith(IrcConnection.connect(optionsFor(server, "sbSasl", { sasl })), "GW_ERR_UNAVAILABLE");
      assert.equal(error.condition, "SASL_UNAVAILABLE");
      assert.equal(error.retryable, true);
    }
    watcher.send("ISON sbSasl");
    const ison = await watcher.waitFor((line) => line.command === "303");
    assert.equal(ison.params[1] ?? "", "", "the nick was never registered");
  });

  it("rejects with GW_ERR_UNAVAILABLE when the port refuses the connection", async () => {
    const error = await rejectsWith(IrcConnection.connect(optionsFor({ host: "127.0.0.1", port: 1 }, "sbRefused")), "GW_ERR_UNAVAILABLE");
    assert.match(error.message, /ECONNREFUSED/);
    assert.equal(error.retryable, true);
  });

  it("fires closed once, with byUs true, after quit()", async () => {
    const connection = await opened.connect(optionsFor(server, "sbQuit"));
    const frank = await opened.client(server, "frank");
    await frank.join("#quit");
    connection.send("JOIN", ["#quit"]);
    await frank.waitFor((line) => line.command === "JOIN" && line.nick === "sbQuit");
    const closed: Array<IrcConnectionEvents["closed"]> = [];
    connection.on("closed", (event) => closed.push(event));
    await within(connection.quit("see you"), "quit()", 3000);
    const quit = await frank.waitFor((line) => line.command === "QUIT" && line.nick === "sbQuit");
    assert.match(quit.params[0] ?? "", /see you/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(closed, [{ byUs: true }]);
    assert.throws(() => connection.send("PRIVMSG", ["frank", "late"]), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_UNAVAILABLE");
  });

  it("survives a listener that throws: the others still hear the event", async () => {
    const connection = await opened.connect(optionsFor(server, "sbThrow"));
    const gina = await opened.client(server, "gina");
    connection.on("message", () => {
      throw new Error("a broken listener");
    });
    const first = nextEvent(connection, "message");
    gina.privmsg("sbThrow", "one");
    assert.equal((await first).text, "one");
    const second = nextEvent(connection, "message");
    gina.privmsg("sbThrow", "two");
    assert.equal((await second).text, "two", "the connection still reads lines");
  });
});

describe("IrcConnection with a server password, on ngIRCd", function () {
  let server: IrcServer;

  before(async function () {
    this.timeout(INSTALL_TIMEOUT_MS);
    server = await startNgircd({ serverPassword: "open sesame" });
  });

  after(async () => {
    await server?.dispose();
  });

  it("rejects a wrong password (ERROR: Bad password?) with GW_ERR_AUTH_FAILED and connects with the right one", async () => {
    const error = await rejectsWith(IrcConnection.connect(optionsFor(server, "sbPass", { password: "wrong" })), "GW_ERR_AUTH_FAILED");
    assert.match(error.message, /Bad password/);
    assert.equal(error.retryable, false);
    const connection = await IrcConnection.connect(optionsFor(server, "sbPass", { password: "open sesame" }));
    assert.equal(connection.nick, "sbPass");
    await connection.quit();
  });
});

describe("IrcConnection when the ngIRCd server dies", function () {
  let server: IrcServer;

  before(async function () {
    this.timeout(INSTALL_TIMEOUT_MS);
    server = await startNgircd();
  });

  after(async () => {
    await server?.dispose();
  });

  it("fires closed exactly once, with byUs false and a retryable GW_ERR_UNAVAILABLE", async () => {
    const connection = await IrcConnection.connect(optionsFor(server, "sbKill"));
    const closed: Array<IrcConnectionEvents["closed"]> = [];
    connection.on("closed", (event) => closed.push(event));
    const failed: Array<GatewayError | undefined> = [];
    connection.send("PRIVMSG", ["sbKill", "x"], (error) => failed.push(error));
    await server.kill();
    await within(
      (async () => {
        while (closed.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      })(),
      "the closed event",
      3000,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(closed.length, 1);
    assert.equal(closed[0]?.byUs, false);
    assert.equal(closed[0]?.error?.code, "GW_ERR_UNAVAILABLE");
    assert.equal(closed[0]?.error?.retryable, true);
    assert.equal(connection.isOpen, false);
    connection.destroy();
    await connection.quit();
  });
});

describe("IrcConnection on InspIRCd", function () {
  let server: IrcServer;
  let connection: IrcConnection;
  const opened = new Opened();

  before(async function () {
    this.timeout(INSTALL_TIMEOUT_MS);
    server = await startInspircd();
    connection = await IrcConnection.connect(optionsFor(server, "sbInsp", { caps: ["away-notify", "server-time", "multi-prefix", "extended-monitor", "cap-notify"] }));
  });

  afterEach(async function () {
    await opened.closeAll();
    if (this.currentTest?.state === "failed") console.log(server.log().slice(-3000));
  });

  after(async () => {
    await connection?.quit();
    await server?.dispose();
  });

  it("reports NICKLEN, the case mapping, MONITOR and the caps it asked for", () => {
    assert.equal(connection.server.nickLen, Number(connection.server.isupport.get("NICKLEN")));
    assert.equal(connection.server.caseMapping, "rfc1459");
    assert.equal(connection.server.monitor, Number(connection.server.isupport.get("MONITOR")));
    assert.ok(connection.server.monitor !== undefined && connection.server.monitor > 0);
    for (const cap of ["away-notify", "server-time", "multi-prefix"]) assert.ok(connection.caps.has(cap), `${cap} is enabled: ${[...connection.caps].join(" ")}`);
    assert.ok(!connection.caps.has("batch") && !connection.caps.has("echo-message"), "only the caps asked for");
  });

  it("reports MONITOR online and offline as the monitored nick comes and goes, and its away-notify", async () => {
    const online = nextEvent(connection, "monitor", (event) => event.online.includes("harry"), 5000);
    connection.send("MONITOR", ["+", "harry"]);
    const harry = await opened.client(server, "harry");
    assert.deepEqual((await online).online, ["harry"]);

    await harry.join("#insp");
    const joined = nextEvent(connection, "join");
    connection.send("JOIN", ["#insp"]);
    assert.equal((await joined).channel, "#insp");
    const away = nextEvent(connection, "away");
    harry.send("AWAY :gone fishing");
    assert.deepEqual(await away, { nick: "harry", message: "gone fishing" });
    const back = nextEvent(connection, "back");
    harry.send("AWAY");
    assert.deepEqual(await back, { nick: "harry" });

    const said = nextEvent(connection, "message");
    harry.privmsg("#insp", TEXT);
    const message = await said;
    assert.equal(message.text, TEXT);
    assert.equal(typeof message.time, "number", "server-time");

    const offline = nextEvent(connection, "monitor", (event) => event.offline.includes("harry"));
    const quit = nextEvent(connection, "quit");
    await harry.quit("later");
    assert.deepEqual((await offline).offline, ["harry"]);
    assert.equal((await quit).nick, "harry");
  });
});

describe("IrcConnection with a server password, on InspIRCd", function () {
  let server: IrcServer;

  before(async function () {
    this.timeout(INSTALL_TIMEOUT_MS);
    server = await startInspircd({ serverPassword: "open sesame" });
  });

  after(async () => {
    await server?.dispose();
  });

  it("rejects a wrong password (ERROR after PASS) with GW_ERR_AUTH_FAILED and connects with the right one", async () => {
    const wrong = IrcConnection.connect(optionsFor(server, "sbPass", { password: "wrong" }));
    const right = IrcConnection.connect(optionsFor(server, "sbPass2", { password: "open sesame" }));
    const error = await rejectsWith(wrong, "GW_ERR_AUTH_FAILED");
    assert.match(error.message, /password/i);
    const connection = await right;
    assert.equal(connection.nick, "sbPass2");
    await connection.quit();
  });
});

describe("IrcConnection against a scripted server", function () {
  const servers: ScriptedIrcServer[] = [];

  async function scripted(handler: (line: string, peer: ScriptedPeer) => void): Promise<ScriptedIrcServer> {
    const server = await ScriptedIrcServer.start(handler);
    servers.push(server);
    return server;
  }

  /** Answers CAP LS with `caps`, ACKs any REQ, and registers after CAP END. */
  function capServer(caps: string, onOther: (line: string, peer: ScriptedPeer) => void = () => undefined): (line: string, peer: ScriptedPeer) => void {
    return (line, peer) => {
      if (line.startsWith("CAP LS")) peer.send(`:scripted.test CAP * LS :${caps}`);
      else if (line.startsWith("CAP REQ")) peer.send(`:scripted.test CAP * ACK :${line.slice(line.indexOf(":") + 1)}`);
      else if (line === "CAP END") peer.send(...registerReply("sb"));
      else onOther(line, peer);
    };
  }

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it("authenticates with SASL PLAIN before registering", async () => {
    const server = await scripted(
      capServer("sasl=PLAIN,EXTERNAL multi-prefix", (line, peer) => {
        if (line === "AUTHENTICATE PLAIN") peer.send("AUTHENTICATE +");
        else if (line.startsWith("AUTHENTICATE ")) peer.send(":scripted.test 900 sb sb!user@host acct :You are now logged in", ":scripted.test 903 sb :SASL authentication successful");
      }),
    );
    const connection = await IrcConnection.connect(optionsFor(server, "sb", { sasl: { mechanism: "PLAIN", username: "acct", password: "pässword" } }));
    const sent = server.peers[0]?.received ?? [];
    const payload = sent.find((line) => line.startsWith("AUTHENTICATE ") && line !== "AUTHENTICATE PLAIN")?.slice("AUTHENTICATE ".length) ?? "";
    assert.equal(Buffer.from(payload, "base64").toString("utf8"), "acct\0acct\0pässword");
    assert.ok(sent.includes("CAP REQ :sasl"), `only sasl is requested: ${sent.join(" | ")}`);
    assert.ok(connection.caps.has("sasl"));
    connection.destroy();
  });

  it("authenticates with SASL EXTERNAL (an empty response)", async () => {
    const server = await scripted(
      capServer("sasl", (line, peer) => {
        if (line === "AUTHENTICATE EXTERNAL") peer.send("AUTHENTICATE +");
        else if (line === "AUTHENTICATE +") peer.send(":scripted.test 903 sb :SASL authentication successful");
      }),
    );
    const connection = await IrcConnection.connect(optionsFor(server, "sb", { sasl: { mechanism: "EXTERNAL" } }));
    assert.equal(connection.nick, "sb");
    connection.destroy();
  });

  it("rejects a SASL failure (904) with GW_ERR_AUTH_FAILED and never registers", async () => {
    const server = await scripted(
      capServer("sasl=PLAIN", (line, peer) => {
        if (line === "AUTHENTICATE PLAIN") peer.send("AUTHENTICATE +");
        else if (line.startsWith("AUTHENTICATE ")) peer.send(":scripted.test 904 sb :SASL authentication failed");
      }),
    );
    const error = await rejectsWith(IrcConnection.connect(optionsFor(server, "sb", { sasl: { mechanism: "PLAIN", username: "acct", password: "bad" } })), "GW_ERR_AUTH_FAILED");
    assert.equal(error.condition, "ERR_SASLFAIL");
    assert.equal(error.retryable, false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(!(server.peers[0]?.received ?? []).includes("CAP END"), "registration never ended");
  });

  it("rejects a mechanism the server does not list with GW_ERR_AUTH_FAILED", async () => {
    const server = await scripted(capServer("sasl=PLAIN"));
    const error = await rejectsWith(IrcConnection.connect(optionsFor(server, "sb", { sasl: { mechanism: "EXTERNAL" } })), "GW_ERR_AUTH_FAILED");
    assert.equal(error.condition, "SASL_MECHANISM");
  });

  it("requests only wanted caps, at registration and when CAP NEW announces more", async () => {
    const server = await scripted(capServer("cap-notify batch echo-message multi-prefix"));
    const connection = await IrcConnection.connect(optionsFor(server, "sb", { caps: ["cap-notify", "away-notify", "multi-prefix"] }));
    const peer = server.peers[0];
    assert.ok(peer);
    assert.ok(peer.received.includes("CAP REQ :cap-notify multi-prefix"), peer.received.join(" | "));
    peer.send(":scripted.test CAP sb NEW :batch");
    peer.send(":scripted.test CAP sb NEW :away-notify batch");
    await within(
      (async () => {
        while (!connection.caps.has("away-notify")) await new Promise((resolve) => setTimeout(resolve, 10));
      })(),
      "away-notify enabled after CAP NEW",
    );
    const requests = peer.received.filter((line) => line.startsWith("CAP REQ"));
    assert.deepEqual(requests, ["CAP REQ :cap-notify multi-prefix", "CAP REQ :away-notify"]);
    assert.deepEqual([...connection.caps].sort(), ["away-notify", "cap-notify", "multi-prefix"]);
    connection.destroy();
  });

  it("hands out the lines that arrive in the same write as the end of the MOTD", async () => {
    const early = await scripted((line, peer) => {
      if (line.startsWith("USER ")) peer.send(...registerReply("sb", [":alice!a@h PRIVMSG sb :right after the MOTD"]));
    });
    const connection = await IrcConnection.connect(optionsFor(early, "sb"));
    const message = await nextEvent(connection, "message");
    assert.equal(message.text, "right after the MOTD");
    connection.destroy();
  });

  it("reads server-time on the gateway's clock: a server 10 s behind makes no live line late, and a playback keeps its age", async () => {
    const behind = 10_000;
    const stamp = (ago = 0): string => `@time=${new Date(Date.now() - behind - ago).toISOString()}`;
    const server = await scripted(
      capServer("server-time batch", (line, peer) => {
        if (line.startsWith("USER ")) peer.send(...registerReply("sb").map((reply) => `${stamp()} ${reply}`));
      }),
    );
    const connection = await IrcConnection.connect(optionsFor(server, "sb", { caps: ["server-time", "batch"] }));
    const peer = server.peers[0];
    assert.ok(peer);
    const live = nextEvent(connection, "message", (message) => message.text === "live");
    peer.send(`${stamp()} :alice!a@h PRIVMSG sb :live`);
    assert.deepEqual(lineSentAt((await live).time), {}, "a live line of a server whose clock is behind is said now");
    const played = nextEvent(connection, "message", (message) => message.text === "an hour ago");
    peer.send(`${stamp()} :znc.in BATCH +p znc.in/playback sb`, `${stamp(3_600_000)};batch=p :alice!a@h PRIVMSG sb :an hour ago`, `${stamp()} :znc.in BATCH -p`);
    const { sentAt } = lineSentAt((await played).time);
    assert.ok(sentAt !== undefined && Math.abs(Date.now() - 3_600_000 - sentAt) < 1_000, `played back an hour ago by the gateway's clock: ${String(sentAt)}`);
    connection.destroy();
  });

  it("closes with a ping timeout when the server goes silent", async () => {
    const server = await scripted((line, peer) => {
      if (line.startsWith("USER ")) peer.send(...registerReply("sb"));
    });
    const connection = await IrcConnection.connect(optionsFor(server, "sb", { pingIntervalSeconds: 1, pingTimeoutSeconds: 1 }));
    const closed = await nextEvent(connection, "closed", () => true, 4000);
    assert.equal(closed.byUs, false);
    assert.equal(closed.error?.condition, "ping-timeout");
  });

  it("rejects with GW_ERR_UNAVAILABLE when registration does not finish within connectTimeoutMs", async () => {
    const server = await scripted(() => undefined);
    const error = await rejectsWith(IrcConnection.connect(optionsFor(server, "sb", { connectTimeoutMs: 300 })), "GW_ERR_UNAVAILABLE");
    assert.equal(error.condition, "timeout");
    assert.match(error.message, /registration/);
  });
});
