/**
 * An IRC user whose channel line did not reach another channel of its bridge is told in a NOTICE, against a real
 * ngIRCd (the setup: helpers/failure-report-bridge.ts). The report is for the person who said the line, never for
 * whoever holds their nick when it is made: the test holds what ngIRCd answers on dst while the sender changes
 * nick (or quits) and someone else takes their nick on src, and lets the refusal through only once the room was
 * told of that join (the gateway has seen it).
 */
import assert from "node:assert/strict";
import { uniqueUser } from "../helpers/daemon.js";
import { FailureReportBridge, isReport } from "../helpers/failure-report-bridge.js";
import type { IrcTestClient } from "../helpers/irc-client.js";
import { startNgircd, type IrcServer } from "../helpers/irc-servers.js";

describe("failure reports to IRC senders", function () {
  let irc: IrcServer;
  let bridge: FailureReportBridge;

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing ngIRCd on a fresh machine may take minutes
    irc = await startNgircd();
    bridge = await FailureReportBridge.start(irc, { room: "rep" });
  });

  afterEach(function () {
    bridge?.gate.releaseReplies();
    if (this.currentTest?.state === "failed") console.log(bridge?.daemon.log.slice(-4000));
  });

  after(async function () {
    await bridge?.dispose();
    await irc?.dispose();
  });

  /**
   * Ann joins #src and says a line, which #dst refuses (she is told: her puppet is in #dst now); then what ngIRCd
   * answers on dst is held and she says "second" (refused, unheard). `meanwhile` changes her nick or ends her
   * connection; Bea (another user@host) takes her nick and joins #src. Resolves once the room was told of that
   * join, with dst's answers still held.
   */
  async function annGoesBeaTakesHerNick(meanwhile: (ann: IrcTestClient) => Promise<void>): Promise<{ ann: IrcTestClient; bea: IrcTestClient; nick: string }> {
    const nick = uniqueUser("ann");
    const ann = await bridge.connect(nick, { username: "ann" });
    await bridge.joinSrc(ann, nick);
    await bridge.saysRefusedLineHeld(ann);
    await meanwhile(ann);
    const bea = await bridge.connect(nick, { username: "bea" });
    await bridge.joinSrc(bea, nick);
    return { ann, bea, nick };
  }

  it("tells the sender under the nick she changed to, and not whoever took her old nick", async function () {
    this.timeout(60_000);
    const newNick = uniqueUser("ann2");
    const { ann, bea } = await annGoesBeaTakesHerNick(async (ann) => {
      ann.send(`NICK ${newNick}`);
      await ann.waitFor((line) => line.command === "NICK" && line.params[0] === newNick, 10_000, "her nick change");
    });
    bridge.gate.releaseReplies();
    const told = await ann.waitFor(isReport, 15_000, "the report of her second line");
    assert.equal(told.params[0], newNick);
    assert.deepEqual(bea.transcript.filter(isReport), [], "Bea, who took Ann's nick, is told nothing");
  });

  it("tells the sender back under her nick from her user@host, though whoever held it meanwhile changed nick", async function () {
    this.timeout(60_000);
    const { bea, nick } = await annGoesBeaTakesHerNick((ann) => ann.quit());
    const beaNick = uniqueUser("bea");
    bea.send(`NICK ${beaNick}`);
    await bea.waitFor((line) => line.command === "NICK" && line.params[0] === beaNick, 10_000, "Bea's nick change");
    // Ann back from the same user@host; the room told of her join, the gateway has seen Bea's NICK before it.
    const annAgain = await bridge.connect(nick, { username: "ann" });
    await bridge.joinSrc(annAgain, nick);
    bridge.gate.releaseReplies();
    const told = await annAgain.waitFor(isReport, 15_000, "the report of her second line");
    assert.equal(told.params[0]?.toLowerCase(), nick.toLowerCase());
    assert.deepEqual(bea.transcript.filter(isReport), [], "Bea, whose NICK did not carry Ann's line away, is told nothing");
  });

  it("drops the report of a line whose sender quit, rather than tell whoever took her nick", async function () {
    this.timeout(60_000);
    const { bea } = await annGoesBeaTakesHerNick((ann) => ann.quit());
    assert.equal(await bridge.droppedOrTold(bea), "dropped", "Bea, who took Ann's nick, is not told of Ann's line");
    const logged = bridge.daemon.log.split("\n").filter((line) => line.includes("failure report dropped"));
    assert.ok(logged.every((line) => !line.includes("second")), `the log names the failure, not the text: ${logged.join("\n")}`);
  });
});
