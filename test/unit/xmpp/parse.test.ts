import assert from "node:assert/strict";
import { parse } from "ltx";
import { appendedDelayStamp, delayStamp, parseIqStanza, parseMessageStanza, parsePresenceStanza, parseStanzaError, type ParseResult } from "../../../src/adapters/xmpp/parse.js";
import { stanzaFixture } from "./stanza-fixtures.js";

function value<T>(result: ParseResult<T>): T {
  if (!result.ok) assert.fail(`expected a parsed stanza, got ${result.problem.condition}: ${result.problem.text}`);
  return result.value;
}

function problemOf<T>(result: ParseResult<T>): { condition: string; text: string } {
  if (result.ok) assert.fail("expected a problem, got a parsed stanza");
  return result.problem;
}

describe("parsing inbound XMPP stanzas", () => {
  describe("parseMessageStanza", () => {
    it("reads the time a XEP-0203 delay says it was sent, the earliest of several, ignoring stamps that are no DateTime", () => {
      const delayed = parse(
        `<message from="juliet@example.org/phone" to="alicex@example.org" type="chat"><body>late</body>` +
          `<delay xmlns="urn:xmpp:delay" from="example.org" stamp="2026-12-07T02:10:05Z"/>` +
          `<delay xmlns="urn:xmpp:delay" from="relay.example.org" stamp="2026-12-07T03:10:05.250+01:00"/>` +
          `<delay xmlns="urn:xmpp:delay" stamp="yesterday"/><delay xmlns="jabber:x:delay" stamp="20001231T00:00:00"/></message>`,
      );
      assert.equal(value(parseMessageStanza(delayed)).sentAt, Date.UTC(2026, 11, 7, 2, 10, 5));
      const live = parse(`<message from="juliet@example.org/phone" to="alicex@example.org" type="chat"><body>now</body><delay xmlns="urn:xmpp:delay" stamp="Mon, 07 Dec 2026"/></message>`);
      assert.equal("sentAt" in value(parseMessageStanza(live)), false);
    });

    it("reads only the delays one entity added when asked for its stamp (the server's, not the sender's client's)", () => {
      const delayed = parse(
        `<message from="juliet@example.org/phone" to="alicex@example.org" type="chat"><body>late</body>` +
          `<delay xmlns="urn:xmpp:delay" from="juliet@example.org/phone" stamp="2020-01-01T00:00:00Z"/>` +
          `<delay xmlns="urn:xmpp:delay" stamp="2021-01-01T00:00:00Z"/>` +
          `<delay xmlns="urn:xmpp:delay" from="Example.org" stamp="2026-12-07T02:10:05Z"/></message>`,
      );
      assert.equal(delayStamp(delayed, "example.org"), Date.UTC(2026, 11, 7, 2, 10, 5));
      assert.equal(delayStamp(delayed, "evil.example"), undefined);
      assert.equal(delayStamp(delayed), Date.UTC(2020, 0, 1));
    });

    it("reads the delay a server appended, the last of its domain's, not an earlier one the sender's client wrote as the server's", () => {
      const kept = parse(
        `<message from="juliet@example.org/phone" to="alicex@example.org" type="chat"><body>late</body>` +
          `<delay xmlns="urn:xmpp:delay" from="example.org" stamp="2020-01-01T00:00:00Z"/>` +
          `<delay xmlns="urn:xmpp:delay" from="Example.org" stamp="2026-12-07T02:10:05Z"/></message>`,
      );
      assert.equal(appendedDelayStamp(kept, "example.org"), Date.UTC(2026, 11, 7, 2, 10, 5));
      assert.equal(appendedDelayStamp(kept, "evil.example"), undefined);
    });

    it("reads a chat message with a receipt request and a chat state", () => {
      assert.deepEqual(value(parseMessageStanza(stanzaFixture("message-chat-receipt-state"))), {
        kind: "message",
        type: "chat",
        from: "juliet@capulet.example/balcony",
        to: "romeo%libera@switchboard.localhost",
        id: "m-001",
        body: "Wherefore art thou?",
        messageKind: "text",
        chatState: "active",
        receiptRequest: true,
      });
    });

    it("reads a /me message as an action without the prefix (XEP-0245)", () => {
      const message = value(parseMessageStanza(stanzaFixture("message-me")));
      assert.equal(message.messageKind, "action");
      assert.equal(message.body, "sighs on the balcony");
    });

    it("keeps /me as text when nothing follows it or when it is not at the start", () => {
      const of = (body: string) => value(parseMessageStanza(parse(`<message from='a@b' to='c@d'><body>${body}</body></message>`)));
      assert.deepEqual([of("/me ").messageKind, of("/me ").body], ["text", "/me "]);
      assert.deepEqual([of("/mega").messageKind, of("/mega").body], ["text", "/mega"]);
      assert.deepEqual([of(" /me waves").messageKind, of(" /me waves").body], ["text", " /me waves"]);
    });

    it("reads a correction's replace id (XEP-0308)", () => {
      const message = value(parseMessageStanza(stanzaFixture("message-correction")));
      assert.equal(message.replaces, "m-003");
      assert.equal(message.body, "Wherefore art thou, Romeo?");
    });

    it("ignores a replace element without an id, taking the message as new", () => {
      const message = value(parseMessageStanza(parse("<message from='a@b' to='c@d'><body>x</body><replace xmlns='urn:xmpp:message-correct:0'/></message>")));
      assert.equal(message.replaces, undefined);
    });

    it("reads a retraction (XEP-0424), leaving out its fallback body, and the older form inside <apply-to/>", () => {
      const current = value(parseMessageStanza(parse(
        "<message from='a@b' to='c@d' type='chat' id='r1'><retract xmlns='urn:xmpp:message-retract:1' id='m-7'/><fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:message-retract:1'/><body>/me retracted a previous message</body><store xmlns='urn:xmpp:hints'/></message>",
      )));
      assert.deepEqual([current.retracts, current.body, current.messageKind], ["m-7", undefined, "text"]);
      const older = value(parseMessageStanza(parse("<message from='a@b' to='c@d'><apply-to xmlns='urn:xmpp:fasten:0' id='m-8'><retract xmlns='urn:xmpp:message-retract:0'/></apply-to><body>fallback</body></message>")));
      assert.deepEqual([older.retracts, older.body], ["m-8", undefined]);
    });

    it("reads the origin-id (XEP-0359) a client gave its message, when it differs from the stanza id", () => {
      const sid = "urn:xmpp:sid:0";
      const own = value(parseMessageStanza(parse(`<message from='a@b' to='c@d' type='chat' id='x1'><body>hi</body><origin-id xmlns='${sid}' id='o-7'/></message>`)));
      const same = value(parseMessageStanza(parse(`<message from='a@b' to='c@d' type='chat' id='x1'><body>hi</body><origin-id xmlns='${sid}' id='x1'/></message>`)));
      const foreign = value(parseMessageStanza(parse("<message from='a@b' to='c@d' type='chat' id='x1'><body>hi</body><origin-id xmlns='urn:example' id='o-7'/></message>")));
      assert.deepEqual([own.originId, same.originId, foreign.originId], ["o-7", undefined, undefined]);
    });

    it("reads reactions (XEP-0444): the reacted id and the whole set, leaving out a fallback body and out-of-band links", () => {
      const reacted = value(
        parseMessageStanza(
          parse("<message from='a@b' to='c@d' type='chat' id='x1'><reactions xmlns='urn:xmpp:reactions:0' id='m-9'><reaction>👍</reaction><reaction> 🎉 </reaction></reactions><body>👍</body><x xmlns='jabber:x:oob'><url>https://e.org/a.png</url></x></message>"),
        ),
      );
      assert.deepEqual([reacted.reactions, reacted.body, reacted.attachments, reacted.retracts], [{ id: "m-9", reactions: ["👍", "🎉"] }, undefined, undefined, undefined]);
      const removal = value(parseMessageStanza(parse("<message from='a@b' to='c@d' type='groupchat'><reactions xmlns='urn:xmpp:reactions:0' id='m-9'/></message>")));
      assert.deepEqual(removal.reactions, { id: "m-9", reactions: [] });
      const noId = value(parseMessageStanza(parse("<message from='a@b' to='c@d'><reactions xmlns='urn:xmpp:reactions:0'><reaction>👍</reaction></reactions><body>x</body></message>")));
      assert.deepEqual([noId.reactions, noId.body], [undefined, "x"]);
    });

    it("takes a retraction without an id, or an <apply-to/> of something else, as no retraction", () => {
      const noId = value(parseMessageStanza(parse("<message from='a@b' to='c@d'><retract xmlns='urn:xmpp:message-retract:1'/><body>x</body></message>")));
      assert.deepEqual([noId.retracts, noId.body], [undefined, "x"]);
      const other = value(parseMessageStanza(parse("<message from='a@b' to='c@d'><apply-to xmlns='urn:xmpp:fasten:0' id='m-9'><other xmlns='urn:example'/></apply-to><body>y</body></message>")));
      assert.deepEqual([other.retracts, other.body], [undefined, "y"]);
    });

    it("reads a groupchat subject without a body", () => {
      const message = value(parseMessageStanza(stanzaFixture("message-groupchat-subject")));
      assert.equal(message.type, "groupchat");
      assert.equal(message.subject, "Feast at the Capulets' tonight");
      assert.equal(message.body, undefined);
    });

    it("keeps an empty subject, which clears the room subject", () => {
      const message = value(parseMessageStanza(parse("<message from='r@m/n' to='c@d' type='groupchat'><subject/></message>")));
      assert.equal(message.subject, "");
    });

    it("reads a headline as a notice", () => {
      const message = value(parseMessageStanza(stanzaFixture("message-headline")));
      assert.equal(message.type, "headline");
      assert.equal(message.messageKind, "notice");
      assert.equal(message.body, "The server restarts at midnight");
    });

    it("reads a delivery receipt's id (XEP-0184), falling back to the stanza id", () => {
      assert.equal(value(parseMessageStanza(stanzaFixture("message-received"))).receivedId, "m-010");
      assert.equal(value(parseMessageStanza(parse("<message from='a@b' to='c@d' id='old'><received xmlns='urn:xmpp:receipts'/></message>"))).receivedId, "old");
    });

    it("reads a standalone chat state notification", () => {
      const message = value(parseMessageStanza(stanzaFixture("message-composing")));
      assert.equal(message.chatState, "composing");
      assert.equal(message.body, undefined);
      assert.equal(message.receiptRequest, false);
    });

    it("picks the body in the default language", () => {
      assert.equal(value(parseMessageStanza(stanzaFixture("message-languages"))).body, "Good evening");
    });

    it("reads an error message's type, condition and text", () => {
      const message = value(parseMessageStanza(stanzaFixture("message-error")));
      assert.equal(message.type, "error");
      assert.deepEqual(message.error, { type: "cancel", condition: "item-not-found", text: "No such user" });
    });

    it("treats a missing or unknown type as normal, as RFC 6121 section 5.2.2 requires", () => {
      assert.equal(value(parseMessageStanza(parse("<message from='a@b' to='c@d'><body>x</body></message>"))).type, "normal");
      assert.equal(value(parseMessageStanza(parse("<message from='a@b' to='c@d' type='shout'><body>x</body></message>"))).type, "normal");
    });

    it("counts an empty body as no body", () => {
      assert.equal(value(parseMessageStanza(parse("<message from='a@b' to='c@d'><body/></message>"))).body, undefined);
    });

    it("refuses a message without from as a bad request", () => {
      const problem = problemOf(parseMessageStanza(stanzaFixture("message-no-from")));
      assert.equal(problem.condition, "bad-request");
      assert.match(problem.text, /from/);
    });

    it("refuses a message from a malformed JID as jid-malformed", () => {
      assert.equal(problemOf(parseMessageStanza(stanzaFixture("message-bad-jid"))).condition, "jid-malformed");
    });

    it("refuses a body over 64 KiB characters as a policy violation", () => {
      const big = parse(`<message from='a@b' to='c@d'><body>${"x".repeat(64 * 1024 + 1)}</body></message>`);
      assert.equal(problemOf(parseMessageStanza(big)).condition, "policy-violation");
      const fits = parse(`<message from='a@b' to='c@d'><body>${"x".repeat(64 * 1024)}</body></message>`);
      assert.equal(value(parseMessageStanza(fits)).body?.length, 64 * 1024);
    });

    it("refuses an element that is not a message", () => {
      assert.equal(problemOf(parseMessageStanza(stanzaFixture("presence-probe"))).condition, "bad-request");
    });

    it("fills a missing from or to with the defaults a client-mode caller gives", () => {
      const message = value(parseMessageStanza(parse("<message to='me@home'><body>x</body></message>"), { from: "home" }));
      assert.equal(message.from, "home");
    });
  });

  describe("parsePresenceStanza", () => {
    it("reads show, status in the default language and priority", () => {
      assert.deepEqual(value(parsePresenceStanza(stanzaFixture("presence-show-status-priority"))), {
        kind: "presence",
        type: "available",
        from: "juliet@capulet.example/balcony",
        to: "alice@switchboard.localhost",
        show: "dnd",
        status: "On the balcony",
        priority: 5,
        mucJoin: false,
      });
    });

    it("reads unavailable as offline, keeping its status", () => {
      const presence = value(parsePresenceStanza(stanzaFixture("presence-unavailable")));
      assert.equal(presence.type, "unavailable");
      assert.equal(presence.show, "offline");
      assert.equal(presence.status, "Gone to sleep");
    });

    it("reads a subscription request", () => {
      const presence = value(parsePresenceStanza(stanzaFixture("presence-subscribe")));
      assert.equal(presence.type, "subscribe");
      assert.equal(presence.to, "bob%libera@switchboard.localhost");
    });

    it("reads a probe", () => {
      assert.equal(value(parsePresenceStanza(stanzaFixture("presence-probe"))).type, "probe");
    });

    it("reads MUC self-presence with status codes 110 and 210 (XEP-0045)", () => {
      const presence = value(parsePresenceStanza(stanzaFixture("presence-muc-self")));
      assert.deepEqual(presence.mucUser, { affiliation: "member", role: "participant", jid: "alice@switchboard.localhost/switchboard", statusCodes: [110, 210] });
      assert.equal(presence.status, "");
      assert.equal(presence.show, "online");
      assert.equal(presence.mucJoin, false);
    });

    it("notices a MUC join request", () => {
      const presence = value(parsePresenceStanza(stanzaFixture("presence-muc-join")));
      assert.equal(presence.mucJoin, true);
      assert.equal(presence.mucUser, undefined);
    });

    it("skips MUC status codes that are not three-digit numbers", () => {
      const el = parse("<presence from='r@m/n' to='c@d'><x xmlns='http://jabber.org/protocol/muc#user'><status code='1100'/><status code='abc'/><status/><status code='303'/></x></presence>");
      assert.deepEqual(value(parsePresenceStanza(el)).mucUser, { statusCodes: [303] });
    });

    it("refuses an unknown presence type as a bad request", () => {
      const problem = problemOf(parsePresenceStanza(stanzaFixture("presence-bad-type")));
      assert.equal(problem.condition, "bad-request");
      assert.match(problem.text, /invisible/);
    });

    it("reads a presence error", () => {
      const el = parse("<presence from='a@b' to='c@d' type='error'><error type='wait'><remote-server-timeout xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>");
      const presence = value(parsePresenceStanza(el));
      assert.equal(presence.show, "offline");
      assert.deepEqual(presence.error, { type: "wait", condition: "remote-server-timeout" });
    });
  });

  describe("parseIqStanza", () => {
    it("reads a disco#info get and its payload's name and namespace", () => {
      assert.deepEqual(value(parseIqStanza(stanzaFixture("iq-disco-info-get"))), {
        kind: "iq",
        type: "get",
        from: "juliet@capulet.example/balcony",
        to: "switchboard.localhost",
        id: "disco-1",
        child: { name: "query", xmlns: "http://jabber.org/protocol/disco#info" },
      });
    });

    it("reads an empty result", () => {
      const iq = value(parseIqStanza(parse("<iq from='a@b' to='c' type='result' id='1'/>")));
      assert.equal(iq.child, undefined);
    });

    it("reads an iq error with its payload and condition", () => {
      const iq = value(parseIqStanza(stanzaFixture("iq-error")));
      assert.deepEqual(iq.child, { name: "query", xmlns: "jabber:iq:version" });
      assert.deepEqual(iq.error, { type: "cancel", condition: "service-unavailable" });
    });

    it("refuses an iq without id", () => {
      assert.equal(problemOf(parseIqStanza(stanzaFixture("iq-no-id"))).condition, "bad-request");
    });

    it("refuses an iq with an unknown or missing type", () => {
      assert.equal(problemOf(parseIqStanza(stanzaFixture("iq-bad-type"))).condition, "bad-request");
      assert.equal(problemOf(parseIqStanza(parse("<iq from='a@b' to='c' id='1'><ping xmlns='urn:xmpp:ping'/></iq>"))).condition, "bad-request");
    });

    it("refuses a set with two payloads and a get with none", () => {
      assert.match(problemOf(parseIqStanza(stanzaFixture("iq-two-children"))).text, /exactly one child/);
      assert.equal(problemOf(parseIqStanza(parse("<iq from='a@b' to='c' type='get' id='1'/>"))).condition, "bad-request");
    });

    it("refuses an iq without to", () => {
      assert.equal(problemOf(parseIqStanza(parse("<iq from='a@b' type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>"))).condition, "bad-request");
    });
  });

  describe("parseStanzaError", () => {
    it("reads undefined-condition and cancel when the error element is missing", () => {
      assert.deepEqual(parseStanzaError(parse("<message type='error'/>")), { type: "cancel", condition: "undefined-condition" });
    });

    it("ignores application-specific conditions beside the defined one", () => {
      const el = parse("<iq type='error'><error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><too-many xmlns='urn:example'/></error></iq>");
      assert.deepEqual(parseStanzaError(el), { type: "modify", condition: "bad-request" });
    });
  });
});
