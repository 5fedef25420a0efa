/**
 * XEP-0308 corrections and XEP-0424 retractions of direct messages an XMPP user sent before the gateway restarted,
 * through the XMPP component against a real Prosody: the memory of ids is gone, and the message log finds the line by
 * her client's id, hers only, in that conversation only.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Frame } from "../helpers/native-client.js";
import { useNetworks } from "../helpers/network-suite.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const CORRECTION = "urn:xmpp:message-correct:0";
const RETRACT = "urn:xmpp:message-retract:1";

const nativeMessage = (frame: Frame): Record<string, unknown> => frame["message"] as Record<string, unknown>;
const withBody = (body: string) => (frame: Frame): boolean => nativeMessage(frame)["body"] === body;

async function correct(user: XmppTestClient, to: string, body: string, replaces: string): Promise<void> {
  await user.send(xml("message", { to, type: "chat", id: user.id("c") }, xml("body", {}, body), xml("replace", { xmlns: CORRECTION, id: replaces })));
}

async function retract(user: XmppTestClient, to: string, id: string): Promise<string> {
  const retractionId = user.id("r");
  await user.send(xml("message", { to, type: "chat", id: retractionId }, xml("retract", { xmlns: RETRACT, id }), xml("body", {}, "fallback")));
  return retractionId;
}

describe("an XMPP user's corrections and retractions of direct messages sent before a restart", function () {
  const suite = useNetworks({ ircServer: "none" });

  it("corrects and retracts her own line from the message log, and matches no one else's id nor another conversation's", async function () {
    this.timeout(60_000);
    const romeo = await suite.native("romeo");
    const mercutio = await suite.native("mercutio");
    const juliet = await suite.xmppUser("juliet");
    const kim = await suite.xmppUser("kim");
    const toRomeo = `${suite.nameOf(romeo)}@${suite.prosody().componentDomain}`;
    const toMercutio = `${suite.nameOf(mercutio)}@${suite.prosody().componentDomain}`;
    const typoId = await juliet.sendMessage(toRomeo, "see you tomorow");
    const typo = nativeMessage(await romeo.waitForType("message", withBody("see you tomorow")));
    const regretId = await juliet.sendMessage(toRomeo, "I never liked you");
    const regret = nativeMessage(await romeo.waitForType("message", withBody("I never liked you")));
    // Stanza ids are the client's to choose: kim's is one juliet's client never gave a line of hers.
    const kimsId = "kims-own-line";
    await kim.send(xml("message", { to: toRomeo, type: "chat", id: kimsId }, xml("body", {}, "kim was here")));
    await romeo.waitForType("message", withBody("kim was here"));

    await suite.daemon().restart();
    await suite.daemon().waitForLog(/XMPP component online/);
    const romeoAgain = await suite.nativeAs(suite.nameOf(romeo));
    const mercutioAgain = await suite.nativeAs(suite.nameOf(mercutio));

    await correct(juliet, toRomeo, "see you tomorrow", typoId);
    const corrected = nativeMessage(await romeoAgain.waitForType("message", withBody("see you tomorrow")));
    assert.equal(corrected["replaces"], typo["id"], "a correction of the line she sent before the restart");
    await retract(juliet, toRomeo, regretId);
    const retracted = nativeMessage(await romeoAgain.waitForType("message", (frame) => nativeMessage(frame)["retracts"] !== undefined));
    assert.deepEqual([retracted["retracts"], retracted["body"]], [regret["id"], ""]);

    // Kim's id named by juliet: no line of hers, so a new line, and a retraction of nothing.
    await correct(juliet, toRomeo, "kim was not here", kimsId);
    const notKims = nativeMessage(await romeoAgain.waitForType("message", withBody("kim was not here")));
    assert.equal(notKims["replaces"], undefined, "kim's line is not juliet's to correct");
    const forgeryId = await retract(juliet, toRomeo, kimsId);
    const refused = await juliet.waitFor((stanza) => stanza.attrs["id"] === forgeryId && stanza.attrs["type"] === "error", 10_000, "the retraction refused");
    assert.ok(refused.getChild("error")?.getChild("item-not-found"), refused.toString());
    // Her own id, in another conversation: not that conversation's line.
    await correct(juliet, toMercutio, "tomorrow, then", typoId);
    assert.equal(nativeMessage(await mercutioAgain.waitForType("message", withBody("tomorrow, then")))["replaces"], undefined);
    const history = (await romeoAgain.ok({ type: "history", with: `xmpp:${kim.bareJid}` }))["messages"] as Record<string, unknown>[];
    assert.deepEqual(history.map((message) => [message["body"], message["retracted"]]), [["kim was here", undefined]], "kim's line stands");
  });
});
