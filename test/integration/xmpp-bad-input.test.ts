/**
 * Bad input from XMPP users, through a real Prosody to the gateway's component: each gets a stanza error that says
 * what was wrong, never an internal-server-error, and the gateway goes on serving everyone.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { useNetworks } from "../helpers/network-suite.js";

const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";

describe("bad input from XMPP users", function () {
  const { prosody, daemon, native, nameOf, xmppUser } = useNetworks({ ircServer: "none" });

  /** The error condition and text of an iq's error answer. */
  function errorOf(answer: Element): { condition: string | undefined; text: string | undefined } {
    const error = answer.getChild("error");
    const condition = error?.children.find((child): child is Element => typeof child !== "string" && child.name !== "text")?.name;
    return { condition, text: error?.getChildText("text") ?? undefined };
  }

  it("answers disco#info to a gateway JID that names nobody with jid-malformed or item-not-found and the reason", async function () {
    const juliet = await xmppUser("juliet");
    const domain = prosody().componentDomain;
    // No network after the "%", a backslash escaped where XEP-0106 keeps it as it is; and a network's channel
    // directory (nothing before the "%") of a network the gateway has not.
    for (const [local, condition, reason] of [
      ["bob%", "jid-malformed", /names IRC network ""/],
      ["\\5c", "jid-malformed", /canonical XEP-0106 escaping/],
      ["%libera", "item-not-found", /no IRC network is called libera/],
    ] as const) {
      const id = juliet.id("disco");
      await juliet.send(xml("iq", { type: "get", to: `${local}@${domain}`, id }, xml("query", { xmlns: NS_DISCO_INFO })));
      const answer = await juliet.waitFor((stanza) => stanza.is("iq") && stanza.attrs["id"] === id, 5000, `the answer to disco#info of ${local}@${domain}`);
      assert.equal(answer.attrs["type"], "error", answer.toString());
      const error = errorOf(answer);
      assert.equal(error.condition, condition, answer.toString());
      assert.match(error.text ?? "", reason);
    }
    // A person the gateway serves is still described.
    const alice = await native("alice");
    const info = await juliet.iq(xml("iq", { type: "get", to: `${nameOf(alice)}@${domain}` }, xml("query", { xmlns: NS_DISCO_INFO })));
    assert.ok(info.getChild("query")?.getChild("identity"), info.toString());
    assert.doesNotMatch(daemon().log, /XMPP component error/, "an asker's mistake is no error of the component's");
  });
});
