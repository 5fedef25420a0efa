/**
 * A linked account's MUC that does not announce XEP-0359 stanza ids (a real Prosody 0.12 without mod_muc_mam), and so
 * strips none its occupants' clients write: mallory writes on a line of hers the room's id of alice's line (the id
 * every occupant saw on it), and an occupant's reply to alice's line must still answer alice's line for her.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { useLinkedAccount } from "../helpers/linked-account-suite.js";
import type { Frame } from "../helpers/native-client.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const MUC_NS = "http://jabber.org/protocol/muc";
const REPLY = "urn:xmpp:reply:0";

describe("a linked account's MUC that does not announce stanza ids", function () {
  let juliet: XmppTestClient;
  let mallory: XmppTestClient;
  let talk: string;
  let room: string;

  const selfPresence = (presence: Element): boolean => (presence.getChild("x", `${MUC_NS}#user`)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "110");

  async function enter(client: XmppTestClient, nick: string): Promise<void> {
    await client.sendPresence();
    await client.send(xml("presence", { to: `${talk}/${nick}` }, xml("x", { xmlns: MUC_NS })));
    await client.waitForPresence(`${talk}/${nick}`, selfPresence);
  }

  const suite = useLinkedAccount({
    users: ["juliet", "mallory"],
    async beforeDaemon() {
      talk = `talk@${suite.prosody().mucDomain}`;
      room = `xmpp://u.alice/${talk}`;
      juliet = await suite.xmpp("juliet");
      mallory = await suite.xmpp("mallory");
      await enter(juliet, "Juliet");
      await enter(mallory, "Mallory");
    },
  });

  it("does not take a stanza-id an occupant wrote on her line as the room's: a reply to alice's line answers alice's line", async function () {
    const alice = suite.alice();
    await alice.ok({ type: "room.join", room }, 15_000);
    const sent = await alice.ok({ type: "room.send", room, body: "who brings the cake?" });
    const line = await juliet.waitForMessage(`${talk}/alice`, (message) => message.getChildText("body") === "who brings the cake?");
    const lineId = String(line.attrs["id"]);
    assert.equal(line.getChild("stanza-id", "urn:xmpp:sid:0"), undefined, `the MUC gives no stanza ids: ${line.toString()}`);

    await mallory.send(xml("message", { to: talk, type: "groupchat", id: "m-claim" }, xml("body", {}, "I do not like cake"), xml("stanza-id", { xmlns: "urn:xmpp:sid:0", by: talk, id: lineId })));
    const claimed = (await alice.waitForType("message", (frame) => (frame["message"] as Frame)["body"] === "I do not like cake", 10_000))["message"] as Frame;

    await juliet.send(xml("message", { to: talk, type: "groupchat", id: "j-reply" }, xml("body", {}, "I do"), xml("reply", { xmlns: REPLY, to: `${talk}/alice`, id: lineId })));
    const reply = (await alice.waitForType("message", (frame) => (frame["message"] as Frame)["body"] === "I do", 10_000))["message"] as Frame;
    assert.equal((reply["reply_to"] as Frame | undefined)?.["id"], sent["message_id"], `a reply to alice's line, not to mallory's (${String(claimed["id"])}): ${JSON.stringify(reply)}`);
  });
});
