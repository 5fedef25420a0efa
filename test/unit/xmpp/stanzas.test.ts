import assert from "node:assert/strict";
import { parse } from "ltx";
import { parseMessageStanza, parsePresenceStanza } from "../../../src/adapters/xmpp/parse.js";
import {
  FEATURE_JID_ESCAPING,
  NS,
  chatMessage,
  chatState,
  discoInfo,
  discoItems,
  errorCondition,
  iqResult,
  lateDelay,
  mayAnswerWithError,
  presence,
  receipt,
  stanzaError,
  subscription,
  version,
} from "../../../src/adapters/xmpp/stanzas.js";
import { stanzaFixture } from "./stanza-fixtures.js";

describe("building outbound XMPP stanzas", () => {
  describe("chatMessage", () => {
    it("builds a chat message with a body", () => {
      const el = chatMessage({ from: "bob%libera@gw", to: "juliet@capulet.example", id: "s1", body: "hello", kind: "text" });
      assert.equal(el.toString(), '<message from="bob%libera@gw" to="juliet@capulet.example" id="s1" type="chat"><body>hello</body></message>');
    });

    it("sends an action as /me and text (XEP-0245), which parses back as an action", () => {
      const el = chatMessage({ from: "a@gw", to: "c@d", id: "s2", body: "waves", kind: "action" });
      assert.equal(el.getChildText("body"), "/me waves");
      const parsed = parseMessageStanza(parse(el.toString()));
      assert.ok(parsed.ok);
      assert.deepEqual([parsed.value.messageKind, parsed.value.body], ["action", "waves"]);
    });

    it("sends a notice as an ordinary body of the given type, since XMPP has no notice", () => {
      const el = chatMessage({ from: "a@gw", to: "c@d", id: "s3", body: "server restarting", kind: "notice", type: "normal" });
      assert.equal(el.attrs["type"], "normal");
      assert.equal(el.getChildText("body"), "server restarting");
    });

    it("adds a correction's replace element (XEP-0308) and a receipt request (XEP-0184)", () => {
      const el = chatMessage({ from: "a@gw", to: "c@d", id: "s5", body: "fixed", kind: "text", replaces: "s4", requestReceipt: true, type: "groupchat" });
      assert.equal(el.getChild("replace", NS.correction)?.attrs["id"], "s4");
      assert.ok(el.getChild("request", NS.receipts));
      assert.equal(el.attrs["type"], "groupchat");
    });

    it("escapes markup in the body and removes characters XML cannot carry", () => {
      const el = chatMessage({ from: "a@gw", to: "c@d", id: "s6", body: "<b>&\u0002bold\u0003 \ud800", kind: "text" });
      assert.equal(el.toString(), '<message from="a@gw" to="c@d" id="s6" type="chat"><body>&lt;b&gt;&amp;bold </body></message>');
      assert.equal(parse(el.toString()).getChildText("body"), "<b>&bold ");
    });
  });

  it("builds a standalone chat state (XEP-0085)", () => {
    assert.equal(chatState("a@gw", "c@d", "composing").toString(), `<message from="a@gw" to="c@d" type="chat"><composing xmlns="${NS.chatStates}"/></message>`);
  });

  it("leaves out 'from' in client mode, where the server stamps the account's JID", () => {
    assert.equal(chatState(undefined, "c@d", "paused").toString(), `<message to="c@d" type="chat"><paused xmlns="${NS.chatStates}"/></message>`);
    assert.equal(subscription(undefined, "c@d", "subscribe").toString(), `<presence to="c@d" type="subscribe"/>`);
    assert.equal(chatMessage({ to: "c@d", id: "m1", body: "hi", kind: "text" }).toString(), `<message to="c@d" id="m1" type="chat"><body>hi</body></message>`);
  });

  it("builds a delivery receipt (XEP-0184)", () => {
    assert.equal(receipt("a@gw", "c@d", "m-1").toString(), `<message from="a@gw" to="c@d"><received xmlns="${NS.receipts}" id="m-1"/></message>`);
  });

  describe("presence", () => {
    it("builds show, status and priority, which parse back the same", () => {
      const el = presence({ from: "bob%libera@gw/irc", to: "juliet@capulet.example", show: "away", status: "lunch", priority: 5 });
      assert.equal(el.toString(), '<presence from="bob%libera@gw/irc" to="juliet@capulet.example"><show>away</show><status>lunch</status><priority>5</priority></presence>');
      const parsed = parsePresenceStanza(parse(el.toString()));
      assert.ok(parsed.ok);
      assert.deepEqual([parsed.value.show, parsed.value.status, parsed.value.priority], ["away", "lunch", 5]);
    });

    it("leaves out show for online, and an empty status and priority 0", () => {
      assert.equal(presence({ from: "a@gw", to: "c@d", show: "online", status: "", priority: 0 }).toString(), '<presence from="a@gw" to="c@d"/>');
    });

    it("sends offline as unavailable with its status but no priority", () => {
      assert.equal(presence({ from: "a@gw", to: "c@d", show: "offline", status: "bye", priority: 9 }).toString(), '<presence from="a@gw" to="c@d" type="unavailable"><status>bye</status></presence>');
    });

    it("lets the type override the show, for leaving a room or probing", () => {
      assert.equal(presence({ from: "a@gw", to: "r@m/n", show: "chat", type: "unavailable" }).toString(), '<presence from="a@gw" to="r@m/n" type="unavailable"/>');
      assert.equal(presence({ from: "a@gw", to: "c@d", show: "away", status: "x", type: "probe" }).toString(), '<presence from="a@gw" to="c@d" type="probe"/>');
    });

    it("adds the given caps as a <c/> after the rest to an available presence only (XEP-0115 section 4)", () => {
      const caps = { xmlns: "http://jabber.org/protocol/caps", hash: "sha-1", node: "https://switchboard.invalid", ver: "abc=" };
      assert.equal(
        presence({ from: "a@gw/s", to: "c@d", show: "away", status: "x", caps }).toString(),
        '<presence from="a@gw/s" to="c@d"><show>away</show><status>x</status><c xmlns="http://jabber.org/protocol/caps" hash="sha-1" node="https://switchboard.invalid" ver="abc="/></presence>',
      );
      assert.equal(presence({ from: "a@gw/s", to: "c@d", show: "offline", caps }).toString(), '<presence from="a@gw/s" to="c@d" type="unavailable"/>');
      assert.equal(presence({ from: "a@gw/s", to: "r@m/n", show: "chat", type: "unavailable", caps }).toString(), '<presence from="a@gw/s" to="r@m/n" type="unavailable"/>');
      assert.equal(presence({ from: "a@gw", to: "c@d", show: "online", caps: Object.freeze(caps) }).getChild("c")?.attrs["ver"], "abc=", "frozen precomputed attributes do");
    });

    it("broadcasts without to, and clamps priority and status", () => {
      const el = presence({ from: "me@home/r", show: "chat", status: `  ${"s".repeat(1100)}`, priority: 1000 });
      assert.equal(el.attrs["to"], undefined);
      assert.equal(el.getChildText("status")?.length, 1024);
      assert.equal(el.getChildText("priority"), "127");
    });
  });

  it("builds subscription requests, answers and probes", () => {
    for (const type of ["subscribe", "subscribed", "unsubscribe", "unsubscribed", "probe"] as const) {
      assert.equal(subscription("a@gw", "c@d", type).toString(), `<presence from="a@gw" to="c@d" type="${type}"/>`);
    }
  });

  describe("stanzaError", () => {
    it("answers a message with from and to swapped, the same id and the condition (RFC 6120 section 8.3)", () => {
      const el = stanzaError(stanzaFixture("message-chat-receipt-state"), "cancel", "item-not-found", "no such nick");
      assert.equal(
        el.toString(),
        '<message from="romeo%libera@switchboard.localhost" to="juliet@capulet.example/balcony" id="m-001" type="error">' +
          `<error type="cancel"><item-not-found xmlns="${NS.stanzas}"/><text xmlns="${NS.stanzas}" xml:lang="en">no such nick</text></error></message>`,
      );
    });

    it("answers an iq without echoing its payload, and leaves out absent addresses", () => {
      const el = stanzaError(parse("<iq from='a@b/c' type='set' id='q1'><query xmlns='x'/></iq>"), "modify", "bad-request");
      assert.equal(el.toString(), `<iq to="a@b/c" id="q1" type="error"><error type="modify"><bad-request xmlns="${NS.stanzas}"/></error></iq>`);
    });

    it("sends a condition RFC 6120 does not define as undefined-condition", () => {
      const el = errorCondition("cancel", "no-such-thing");
      assert.ok(el.getChild("undefined-condition", NS.stanzas));
    });

    it("tells that an error stanza must not be answered with an error", () => {
      assert.equal(mayAnswerWithError(stanzaFixture("message-error")), false);
      assert.equal(mayAnswerWithError(stanzaFixture("message-me")), true);
    });
  });

  it("builds an iq result with and without payload", () => {
    const iq = stanzaFixture("iq-disco-info-get");
    assert.equal(iqResult(iq).toString(), '<iq from="switchboard.localhost" to="juliet@capulet.example/balcony" id="disco-1" type="result"/>');
    assert.equal(iqResult(iq, version("Switchboard", "0.1.0")).getChild("query", NS.version)?.getChildText("version"), "0.1.0");
  });

  it("builds a disco#info query with identities and each feature once (XEP-0030)", () => {
    const query = discoInfo({ identities: [{ category: "gateway", type: "irc", name: "Switchboard" }], features: [NS.discoInfo, FEATURE_JID_ESCAPING, NS.discoInfo] });
    assert.equal(
      query.toString(),
      `<query xmlns="${NS.discoInfo}"><identity category="gateway" type="irc" name="Switchboard"/><feature var="${NS.discoInfo}"/><feature var="jid\\20escaping"/></query>`,
    );
    assert.equal(discoInfo({ identities: [], features: [], node: "n" }).attrs["node"], "n");
  });

  it("builds a disco#items query", () => {
    assert.equal(
      discoItems([{ jid: "#dev%libera@gw", name: "#dev" }, { jid: "gw", node: "rooms" }]).toString(),
      `<query xmlns="${NS.discoItems}"><item jid="#dev%libera@gw" name="#dev"/><item jid="gw" node="rooms"/></query>`,
    );
  });

  it("builds a software version query (XEP-0092)", () => {
    assert.equal(version("Switchboard", "0.1.0").toString(), `<query xmlns="${NS.version}"><name>Switchboard</name><version>0.1.0</version></query>`);
    assert.equal(version("S", "1", "Linux").getChildText("os"), "Linux");
  });

  describe("lateDelay (XEP-0203 on a late delivery)", () => {
    const NOW = Date.UTC(2026, 11, 7, 3, 0, 0);
    const body = { id: "m1", body: "hello", kind: "text" as const, to: "juliet@example.org" };

    it("adds nothing to a live message", () => {
      const live = chatMessage({ ...body, ...lateDelay({ timestamp: NOW - 40 }, "gw.example", NOW) });
      assert.equal(live.getChild("delay", "urn:xmpp:delay"), undefined);
    });

    it("delays a message that waited to its acceptance, from the gateway", () => {
      const waited = chatMessage({ ...body, ...lateDelay({ timestamp: NOW - 90_000 }, "gw.example", NOW) });
      assert.deepEqual(waited.getChild("delay", "urn:xmpp:delay")?.attrs, { xmlns: "urn:xmpp:delay", from: "gw.example", stamp: "2026-12-07T02:58:30.000Z" });
    });

    it("delays a message said earlier than accepted to when it was said, however soon it is delivered", () => {
      const said = chatMessage({ ...body, ...lateDelay({ timestamp: NOW, sentAt: NOW - 3_600_000 }, "gw.example", NOW) });
      assert.equal(said.getChild("delay", "urn:xmpp:delay")?.attrs["stamp"], "2026-12-07T02:00:00.000Z");
    });
  });
});
