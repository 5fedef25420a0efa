/**
 * Every XMPP connection of the daemon (a linked account, a bridge bot, the component) retried against a server
 * that resets it, against a real Prosody and the real daemon: each connects through a TcpGate, which the test
 * closes with resets (each connection through it gets an RST at once: the daemon reads ECONNRESET) until the
 * supervisor's retries have failed so a few times, then opens again. The connection comes back, and the daemon logged no unhandled rejection: a
 * failed attempt is one failure of its start, never a promise left rejecting with nobody listening.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { botYaml, componentYaml } from "../helpers/config-yaml.js";
import { Daemon } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { TcpGate } from "../helpers/tcp-gate.js";

const ALICEX_PASSWORD = "alicex-Secret-4242";
/** Restarts awaited to fail with ECONNRESET while the gate is closed. */
const FAILED_RETRIES = 3;

describe("XMPP connections retried against a server that resets them", function () {
  let prosody: ProsodyServer;
  let accountGate: TcpGate;
  let botGate: TcpGate;
  let componentGate: TcpGate;
  let daemon: Daemon;
  let alice: NativeClient | undefined;

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing Prosody on a fresh machine may take minutes
    prosody = await startProsody({ users: [{ name: "alicex", password: ALICEX_PASSWORD }, { name: "resetbot", password: PASSWORD }] });
    [accountGate, botGate, componentGate] = await Promise.all([
      TcpGate.start("127.0.0.1", () => prosody.c2sPort),
      TcpGate.start("127.0.0.1", () => prosody.c2sPort),
      TcpGate.start("127.0.0.1", () => prosody.componentPort),
    ]);
    const accounts = ["  user_accounts:", "    enabled: true", "    credential_key: ${KEY}", "    internal_hosts: [127.0.0.1]"];
    const bots = ["  bots:", ...botYaml(prosody, "resetbot", ["rooms: []"], botGate.port)];
    daemon = Daemon.create(["xmpp:", ...accounts, ...bots, ...componentYaml(prosody, [], componentGate.port)].join("\n"));
    await daemon.start({ KEY: randomBytes(32).toString("hex"), BOT_PASSWORD: PASSWORD });
    await daemon.waitForLog(/XMPP bot online/);
    await daemon.waitForLog(/XMPP component online/);
    alice = await NativeClient.session(daemon.url, "alice", PASSWORD, { register: true });
    await alice.ok({ type: "xmpp.link", jid: "alicex@localhost", password: ALICEX_PASSWORD, service: `xmpp://127.0.0.1:${accountGate.port}` }, 15_000);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-6000));
  });

  after(async function () {
    await alice?.close();
    await daemon?.dispose();
    await Promise.all([accountGate, botGate, componentGate].map((gate) => gate?.dispose()));
    await prosody?.dispose();
  });

  /** Log lines of the daemon matching `pattern`, counted. */
  function count(pattern: RegExp): number {
    return (daemon.log.match(new RegExp(pattern.source, "g")) ?? []).length;
  }

  /** A pattern that matches once the log has `n` more lines matching `pattern` than now. */
  function more(pattern: RegExp, n: number): RegExp {
    return new RegExp(`(${pattern.source}[\\s\\S]*){${count(pattern) + n}}`);
  }

  /**
   * Cuts `adapter`'s connection with its gate, awaits the supervisor's log lines of FAILED_RETRIES restarts that
   * failed with ECONNRESET against the closed gate, opens the gate and awaits `online`.
   */
  async function retriedWhileReset(gate: TcpGate, adapter: string, online: RegExp): Promise<void> {
    const reset = new RegExp(`"adapter":"${adapter}","reason":"[^"]*ECONNRESET[^\\n]*"msg":"adapter down; restarting after backoff"`);
    const backOnline = more(online, 1);
    const retried = more(reset, FAILED_RETRIES);
    const from = daemon.log.length;
    gate.close("reset");
    await daemon.waitForLog(retried, 30_000);
    gate.reopen();
    await daemon.waitForLog(backOnline, 30_000);
    assert.doesNotMatch(daemon.log.slice(from), /unhandled rejection/);
  }

  it("brings a linked account back, with no unhandled rejection", async function () {
    this.timeout(60_000);
    await retriedWhileReset(accountGate, "xmpp/u\\.alice", /XMPP account online/);
  });

  it("brings a bridge bot back, with no unhandled rejection", async function () {
    this.timeout(60_000);
    await retriedWhileReset(botGate, "xmpp/resetbot", /XMPP bot online/);
  });

  it("names why a bridge bot's attempt failed when the server closes connections cleanly", async function () {
    this.timeout(90_000);
    // A clean close (FIN) before the stream is open raises no error in @xmpp: the retry line once had no reason.
    const closed = /"adapter":"xmpp\/resetbot","reason":"[^"]*: the XMPP server closed the connection before the session was open"[^\n]*"msg":"adapter down; restarting after backoff"/;
    const retried = more(closed, 1);
    const backOnline = more(/XMPP bot online/, 1);
    botGate.close("close");
    await daemon.waitForLog(retried, 30_000);
    botGate.reopen();
    await daemon.waitForLog(backOnline, 45_000);
  });

  it("brings the component back, with no unhandled rejection", async function () {
    this.timeout(60_000);
    await retriedWhileReset(componentGate, "xmpp/default", /XMPP component online/);
  });
});
