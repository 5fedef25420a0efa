/**
 * Failure reports to IRC senders logged in to a services account, against a real InspIRCd 3 (with its
 * ircv3_accounttag module) linked to Atheme 7.2: the gateway asks for IRCv3 account-tag, so each line it takes
 * carries its sender's account, and a report reaches whoever holds the sender's nick when it is made only when
 * that is someone logged in to the same account: the sender back from another client (another user name), or
 * under the nick she changed to; not someone else who took the nick, even from the sender's user@host.
 *
 * The setup, as in irc-failure-reports.test.ts: helpers/failure-report-bridge.ts (#src bridged with a moderated
 * #dst; the test holds what the server answers on dst while the sender quits and someone takes her nick, and lets
 * the refusal through after).
 */
import assert from "node:assert/strict";
import { startAtheme, type Atheme } from "../helpers/atheme.js";
import { uniqueUser } from "../helpers/daemon.js";
import { FailureReportBridge, isReport } from "../helpers/failure-report-bridge.js";
import type { IrcTestClient } from "../helpers/irc-client.js";
import { startInspircd, type IrcServer } from "../helpers/irc-servers.js";

/** Installing InspIRCd and atheme-services on a fresh machine may take minutes; start-up itself is bounded. */
const INSTALL_TIMEOUT_MS = 11 * 60 * 1000;
const SERVICES = { name: "services.switchboard.test", password: "link-secret-42" };
const ANN = { name: "annacct", password: "ann-Pass-word" };
const BEA = { name: "beaacct", password: "bea-Pass-word" };

describe("failure reports to IRC senders logged in to services accounts (InspIRCd with Atheme)", function () {
  let irc: IrcServer;
  let atheme: Atheme;
  let bridge: FailureReportBridge;

  before(async function () {
    this.timeout(INSTALL_TIMEOUT_MS);
    irc = await startInspircd({ services: SERVICES });
    atheme = await startAtheme(irc, { accounts: [ANN, BEA] });
    bridge = await FailureReportBridge.start(irc, { room: "acctrep", connectTimeoutMs: 10_000 });
  });

  afterEach(function () {
    bridge?.gate.releaseReplies();
    if (this.currentTest?.state === "failed") {
      console.log(`--- daemon ---\n${bridge?.daemon.log.slice(-5000) ?? ""}\n--- atheme ---\n${atheme?.log().slice(-2000) ?? ""}`);
    }
  });

  after(async function () {
    await bridge?.dispose();
    await atheme?.dispose();
    await irc?.dispose();
  });

  /** `client` logs in to `account` (NickServ IDENTIFY). */
  async function identify(client: IrcTestClient, account: { name: string; password: string }): Promise<void> {
    client.privmsg("NickServ", `IDENTIFY ${account.name} ${account.password}`);
    // Atheme sets the account on InspIRCd (METADATA) before it sends this NOTICE, on the same link.
    await client.waitFor((line) => line.command === "NOTICE" && client.same(line.nick, "NickServ") && /identified/i.test(line.params[1] ?? ""), 10_000, "NickServ's answer to IDENTIFY");
  }

  /** A connection under `nick` with its own user name, logged in to `account`. */
  async function loggedIn(nick: string, username: string, account: { name: string; password: string }): Promise<IrcTestClient> {
    const client = await bridge.connect(nick, { username });
    await identify(client, account);
    return client;
  }

  /**
   * Ann, logged in to her account, joins #src and says a line, which #dst refuses (she is told); then what
   * InspIRCd answers on dst is held, she says "second" (refused, unheard) and quits. Resolves with her nick.
   */
  async function annSaysAndQuits(): Promise<string> {
    const nick = uniqueUser("ann");
    const ann = await loggedIn(nick, "ann", ANN);
    await bridge.joinSrc(ann, nick);
    await bridge.saysRefusedLineHeld(ann);
    await ann.quit();
    return nick;
  }

  it("tells the sender back under her nick from another client, logged in to the account her line was tagged with", async function () {
    this.timeout(60_000);
    const nick = await annSaysAndQuits();
    // Another user name: not the user@host that said the line; the same account.
    const annAgain = await loggedIn(nick, "annphone", ANN);
    bridge.gate.releaseReplies();
    const told = await annAgain.waitFor(isReport, 15_000, "the report of her second line, at her other client");
    assert.equal(told.params[0]?.toLowerCase(), nick.toLowerCase());
  });

  it("drops the report when whoever holds the sender's nick now is logged in to another account", async function () {
    this.timeout(60_000);
    const nick = await annSaysAndQuits();
    const bea = await loggedIn(nick, "bea", BEA);
    assert.equal(await bridge.droppedOrTold(bea), "dropped", "Bea, logged in to her own account under Ann's nick, is not told of Ann's line");
  });

  it("drops the report when whoever holds the sender's nick now has her user@host but is logged in to another account", async function () {
    this.timeout(60_000);
    const nick = await annSaysAndQuits();
    // The same user name from the same host (two clients of one shell, say): the account tells them apart.
    const bea = await loggedIn(nick, "ann", BEA);
    assert.equal(await bridge.droppedOrTold(bea), "dropped", "Bea, with Ann's user@host under Ann's nick, is not told of Ann's line");
  });

  it("tells the sender under the nick she changed to, though she logged out and in and said a line in between", async function () {
    this.timeout(60_000);
    const nick = uniqueUser("ann");
    const ann = await loggedIn(nick, "ann", ANN);
    await bridge.joinSrc(ann, nick);
    await bridge.saysRefusedLineHeld(ann);
    // Logged out, she says a line (without her account), logs in again and changes nick.
    ann.privmsg("NickServ", "LOGOUT");
    await ann.waitFor((line) => line.command === "NOTICE" && ann.same(line.nick, "NickServ") && /logged out/i.test(line.params[1] ?? ""), 10_000, "NickServ's answer to LOGOUT");
    ann.privmsg("#src", "third");
    await bridge.gate.oneClientWrote(/PRIVMSG #dst :?third\r?\n/, 15_000);
    await identify(ann, ANN);
    const newNick = uniqueUser("ann2");
    ann.send(`NICK ${newNick}`);
    await ann.waitFor((line) => line.command === "NICK" && line.params[0] === newNick, 10_000, "her nick change");
    // Bea, with Ann's user@host, takes Ann's old nick.
    const bea = await loggedIn(nick, "ann", BEA);
    await bridge.joinSrc(bea, nick);
    bridge.gate.releaseReplies();
    // Both her lines' reports: the one tagged with her account, and the one said without it (same user@host).
    for (const which of ["second", "third"]) {
      const told = await ann.waitFor(isReport, 15_000, `the report of her ${which} line`);
      assert.equal(told.params[0], newNick);
    }
    assert.deepEqual(bea.transcript.filter(isReport), [], "Bea, who took Ann's old nick, is told nothing");
  });
});
