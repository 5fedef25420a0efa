/**
 * XEP-0066 out-of-band data both ways (oob.ts): read into a message's attachments (parse.ts), written as one element
 * each on every chat the gateway sends (stanzas.ts chatMessage), the body with each URL its words lack; a message of
 * out-of-band data and no body read as one of attachments alone.
 */
import assert from "node:assert/strict";
import { parse } from "ltx";
import { NS_OOB, readOob } from "../../../src/adapters/xmpp/oob.js";
import { parseMessageStanza } from "../../../src/adapters/xmpp/parse.js";
import { chatMessage } from "../../../src/adapters/xmpp/stanzas.js";
import { directChat } from "../../../src/adapters/xmpp/component-stanzas.js";
import { relayedBody } from "../../../src/adapters/xmpp/bot-outgoing-lines.js";
import type { Message } from "../../../src/core/model/message.js";

const IMAGE = "https://upload.example.org/abc/cat.jpg";

describe("XEP-0066 out-of-band data", () => {
  describe("in", () => {
    it("reads a Conversations image upload (body = URL) as an attachment", () => {
      const stanza = parse(`<message from="juliet@example.org/phone" to="alice@gw.example.org" type="chat" id="c1"><body>${IMAGE}</body><x xmlns="${NS_OOB}"><url>${IMAGE}</url></x></message>`);
      const parsed = parseMessageStanza(stanza);
      assert.ok(parsed.ok);
      assert.equal(parsed.value.body, IMAGE);
      assert.deepEqual(parsed.value.attachments, [{ url: IMAGE }]);
    });

    it("reads several, with descriptions, trimmed, and skips an element without a URL", () => {
      const stanza = parse(
        `<message><body>two</body><x xmlns="${NS_OOB}"><url> ${IMAGE} </url><desc> a cat </desc></x><x xmlns="${NS_OOB}"><desc>nothing</desc></x>` +
          `<x xmlns="${NS_OOB}"><url>http://example.org/b.pdf</url><desc/></x><x xmlns="urn:other"><url>http://example.org/no</url></x></message>`,
      );
      assert.deepEqual(readOob(stanza), [{ url: IMAGE, description: "a cat" }, { url: "http://example.org/b.pdf" }]);
    });

    it("reads out-of-band data without a body (or with an empty one) as a message of attachments alone", () => {
      for (const body of ["", "<body/>", "<body></body>"]) {
        const parsed = parseMessageStanza(parse(`<message from="j@example.org/a" to="alice@gw.example.org" type="chat">${body}<x xmlns="${NS_OOB}"><url>${IMAGE}</url></x></message>`));
        assert.ok(parsed.ok);
        assert.equal(parsed.value.body, "", body);
        assert.equal(parsed.value.messageKind, "text");
        assert.deepEqual(parsed.value.attachments, [{ url: IMAGE }]);
      }
      // A subject without a body is a room's subject change (XEP-0045 section 8.1), out-of-band data or not.
      const subject = parseMessageStanza(parse(`<message from="j@example.org/a" to="r@gw.example.org" type="groupchat"><subject>pics</subject><x xmlns="${NS_OOB}"><url>${IMAGE}</url></x></message>`));
      assert.ok(subject.ok);
      assert.equal(subject.value.body, undefined);
    });

    it("reads nothing from a message without them, or beside a retraction", () => {
      const plain = parseMessageStanza(parse(`<message from="j@example.org/a" to="alice@gw.example.org" type="chat"><body>hi</body></message>`));
      assert.ok(plain.ok);
      assert.equal("attachments" in plain.value, false);
      const retraction = parse(`<message from="j@example.org/a" to="alice@gw.example.org" type="chat"><retract xmlns="urn:xmpp:message-retract:1" id="m1"/><body>retracted</body><x xmlns="${NS_OOB}"><url>${IMAGE}</url></x></message>`);
      const parsed = parseMessageStanza(retraction);
      assert.ok(parsed.ok);
      assert.equal(parsed.value.attachments, undefined);
    });
  });

  describe("out", () => {
    it("gives each attachment its element, with <desc/> only where it has one", () => {
      const stanza = chatMessage({ to: "juliet@example.org", id: "m1", body: "look", kind: "text", attachments: [{ url: IMAGE, description: "a cat" }, { url: "http://example.org/b.pdf" }] });
      const elements = stanza.getChildren("x", NS_OOB);
      assert.equal(elements.length, 2);
      assert.equal(elements[0]?.getChildText("url"), IMAGE);
      assert.equal(elements[0]?.getChildText("desc"), "a cat");
      assert.equal(elements[1]?.getChild("desc"), undefined);
      assert.equal(stanza.getChildText("body"), `look\n${IMAGE}\nhttp://example.org/b.pdf`);
    });

    it("makes an empty body the URLs, so that older clients show the link", () => {
      const stanza = chatMessage({ to: "juliet@example.org", id: "m1", body: "", kind: "text", attachments: [{ url: IMAGE }] });
      assert.equal(stanza.getChildText("body"), IMAGE);
    });

    it("puts each URL the words lack after them, a line each, so that clients and bridges reading the body only see the link", () => {
      const stanza = chatMessage({ to: "juliet@example.org", id: "m1", body: "look", kind: "action", attachments: [{ url: IMAGE, description: "a cat" }] });
      assert.equal(stanza.getChildText("body"), `/me look\n${IMAGE}`);
      assert.equal(stanza.getChild("x", NS_OOB)?.getChildText("url"), IMAGE);
      assert.equal(chatMessage({ to: "juliet@example.org", id: "m2", body: IMAGE, kind: "text", attachments: [{ url: IMAGE }] }).getChildText("body"), IMAGE);
    });

    it("puts the URL in a bridge bot's relayed line too", () => {
      const message = { ...nativeMessage(), body: "look" };
      assert.equal(relayedBody({ text: "<{name}> ", action: "* {name} " }, message), `<alice> look\n${IMAGE}`);
    });

    it("adds nothing to a message without attachments", () => {
      assert.equal(chatMessage({ to: "juliet@example.org", id: "m1", body: "hi", kind: "text" }).getChild("x", NS_OOB), undefined);
    });

    it("carries a native user's attachments in a direct chat to an XMPP user", () => {
      const message = nativeMessage();
      const stanza = directChat(message, message.to, "gw.example.org", false);
      assert.equal(stanza.getChild("x", NS_OOB)?.getChildText("url"), IMAGE);
    });
  });
});

/** A native user's picture to an XMPP user, its body the URL. */
function nativeMessage(): Message {
  return {
        id: "0001",
        origin: { protocol: "native", account: "default" },
        hops: [],
        scope: "direct",
        kind: "text",
        from: { protocol: "native", account: "default", id: "alice" },
        to: { protocol: "xmpp", account: "component", id: "juliet@example.org" },
        senderName: "alice",
        body: IMAGE,
        attachments: [{ url: IMAGE }],
        timestamp: Date.now(),
  };
}
