/**
 * Bad input from IRC users, against a real ngIRCd with the daemon's default flood control (5 lines at once, then 2
 * a second): a flood of questions to a puppet or to the gateway's nick never holds back what others say through
 * those connections (courtesy-replies.ts).
 */
import assert from "node:assert/strict";
import type { IrcMessage, IrcTestClient } from "../helpers/irc-client.js";
import type { NativeClient } from "../helpers/native-client.js";
import { GATEWAY_NICK, useNetworks, type NetworkSuite } from "../helpers/network-suite.js";

const CHANNEL = "#rowdy";
const ROOM = "rowdy";
/** Flooders, each asking QUESTIONS times at once: the server reads each of them at its own pace. */
const FLOODERS = 8;
const QUESTIONS = 5;
/** Answers a connection gives at once (courtesy-replies.ts REPLY_BURST), and one more that its budget may regain meanwhile. */
const MOST_ANSWERS = 5 + 1;

const said = (text: string) => (line: IrcMessage) => line.command === "PRIVMSG" && line.params[0]?.toLowerCase() === CHANNEL && line.params[1] === text;

/**
 * FLOODERS people in the channel each ask `target` QUESTIONS times, then say "asked" where the connection asked
 * reads it after their questions (`saidTo`: to the puppet itself, or in the channel); resolves once alice has it
 * from each of them, so the gateway has read every question.
 */
async function flood(suite: NetworkSuite, alice: NativeClient, target: string, question: string, saidTo: string): Promise<IrcTestClient[]> {
  const flooders: IrcTestClient[] = [];
  for (let i = 0; i < FLOODERS; i++) {
    const flooder = await suite.ircUser("flood");
    await flooder.join(CHANNEL);
    flooders.push(flooder);
  }
  for (const flooder of flooders) {
    for (let i = 0; i < QUESTIONS; i++) flooder.privmsg(target, question);
    flooder.privmsg(saidTo, "asked");
  }
  for (let i = 0; i < FLOODERS; i++) {
    await alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "asked", 20000);
  }
  return flooders;
}

/** The answers `from` gave the flooders so far. */
function answersFrom(flooders: readonly IrcTestClient[], from: string): number {
  return flooders.reduce((sum, flooder) => sum + flooder.transcript.filter((line) => line.command === "NOTICE" && flooder.same(line.nick, from)).length, 0);
}

describe("bad input from IRC users", function () {
  describe("on a network with puppets", function () {
    const suite = useNetworks({ ircYaml: ["channels:", `  - channel: "${CHANNEL}"`, `    room: ${ROOM}`] });

    it("answers a flood of CTCP queries to a puppet a few times, and its person's next line goes out at once", async function () {
      const alice = await suite.native("alice");
      await alice.ok({ type: "room.join", room: ROOM });
      const witness = await suite.ircUser("witness");
      await witness.join(CHANNEL);
      await alice.ok({ type: "room.send", room: ROOM, body: "hello" });
      const puppet = (await witness.waitFor(said("hello"), 10000, "alice's first line")).nick ?? "";
      const flooders = await flood(suite, alice, puppet, "\x01VERSION\x01", puppet);
      await alice.ok({ type: "room.send", room: ROOM, body: "still here" });
      await witness.waitFor(said("still here"), 10000, "alice's line after the flood");
      const answered = answersFrom(flooders, puppet);
      assert.ok(answered <= MOST_ANSWERS, `alice's line went out after ${answered} CTCP replies`);
      await suite.daemon().waitForLog(/more questions than a connection answers/);
    });
  });

  describe("on a network in relay mode", function () {
    const suite = useNetworks({ ircYaml: ["mode: relay", "channels:", `  - channel: "${CHANNEL}"`, `    room: ${ROOM}`] });

    it("answers a flood of queries to the gateway's nick a few times, and the channel's next relayed line goes out at once", async function () {
      const alice = await suite.native("alice");
      await alice.ok({ type: "room.join", room: ROOM });
      const witness = await suite.ircUser("witness");
      await witness.join(CHANNEL);
      const flooders = await flood(suite, alice, GATEWAY_NICK, "help?", CHANNEL);
      await alice.ok({ type: "room.send", room: ROOM, body: "still here" });
      await witness.waitFor((line) => said(`<${suite.nameOf(alice)}> still here`)(line), 10000, "alice's line after the flood");
      const answered = answersFrom(flooders, GATEWAY_NICK);
      assert.ok(answered <= MOST_ANSWERS, `alice's line went out after ${answered} answers to the flood`);
    });
  });
});
