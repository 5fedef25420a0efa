/**
 * native.limits.contact_requests_per_hour across networks, against a real Prosody and a real ngIRCd: a native user's
 * request to an XMPP JID (written from the gateway's domain) counts, one to an IRC nick (watched, nobody asked) does
 * not, and the request past the budget is refused before anything reaches the XMPP server.
 */
import assert from "node:assert/strict";
import type { Element } from "ltx";
import { NETWORK, useNetworks } from "../helpers/network-suite.js";

describe("native.limits.contact_requests_per_hour, against Prosody and ngIRCd", function () {
  const suite = useNetworks({ yaml: ["native:", "  port: 0", "  limits:", "    contact_requests_per_hour: 1"] });

  it("counts a request to an XMPP JID and none to an IRC nick, and refuses the next JID's with GW_ERR_RATE_LIMITED, unsent", async function () {
    this.timeout(60_000);
    const alice = await suite.native("alice");
    const aliceJid = `${suite.nameOf(alice)}@${suite.prosody().componentDomain}`;
    const isRequestFromAlice = (stanza: Element): boolean => stanza.is("presence") && stanza.attrs["from"] === aliceJid && stanza.attrs["type"] === "subscribe";

    // IRC nicks: approved at once and watched; the budget of one is left whole.
    for (const nick of [(await suite.ircUser("bob")).nick, (await suite.ircUser("dan")).nick]) {
      await alice.ok({ type: "presence.subscribe", address: `irc://${NETWORK}/${nick}` });
      await alice.waitForType("subscription", (frame) => frame["from"] === `irc://${NETWORK}/${nick}` && frame["action"] === "approve");
    }

    const juliet = await suite.xmppUser("juliet");
    const kim = await suite.xmppUser("kim");
    await alice.ok({ type: "presence.subscribe", address: `xmpp:${juliet.bareJid}` });
    await juliet.waitFor(isRequestFromAlice, 10_000, "alice's subscription request");

    const refused = await alice.request({ type: "presence.subscribe", address: `xmpp:${kim.bareJid}` });
    assert.equal(refused["code"], "GW_ERR_RATE_LIMITED", JSON.stringify(refused));
    assert.match(String(refused["message"]), /native\.limits\.contact_requests_per_hour\); try again in \d+ s$/);
    // A chat written after the refusal reaches kim after anything the refused request could have written.
    await alice.ok({ type: "message.send", to: `xmpp:${kim.bareJid}`, body: "hello" });
    await kim.waitForMessage(aliceJid, (message) => message.getChildText("body") === "hello", 10_000);
    assert.equal(kim.transcript.filter(isRequestFromAlice).length, 0, "kim was not asked");
  });
});
