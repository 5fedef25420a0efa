/** XEP-0461 replies with their XEP-0428 fallback, read and written (reply-stanzas.ts, parse.ts, stanzas.ts). */
import assert from "node:assert/strict";
import { parse } from "ltx";
import { parseMessageStanza } from "../../../src/adapters/xmpp/parse.js";
import { readReply, replyParts, withoutFallback } from "../../../src/adapters/xmpp/reply-stanzas.js";
import { chatMessage } from "../../../src/adapters/xmpp/stanzas.js";

const REPLY = `<reply xmlns="urn:xmpp:reply:0" to="alice@sb.example.org" id="0042"/>`;

function fallback(start: number, end: number, forNs = "urn:xmpp:reply:0"): string {
  return `<fallback xmlns="urn:xmpp:fallback:0" for="${forNs}"><body start="${start}" end="${end}"/></fallback>`;
}

function stanza(body: string, extra: string): string {
  return `<message from="juliet@example.org/phone" to="alice@sb.example.org" type="chat" id="r1"><body>${body}</body>${extra}</message>`;
}

describe("XEP-0461 replies", () => {
  it("reads the answered id and sender, and cuts the quote the fallback marks off the body", () => {
    const parsed = parseMessageStanza(parse(stanza("&gt; alice: original\nmy answer", REPLY + fallback(0, 18))));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.reply, { id: "0042", to: "alice@sb.example.org" });
    assert.equal(parsed.value.body, "my answer");
  });

  it("counts the fallback's range in code points: an emoji is one", () => {
    // "> 🐱 cat\n" is 8 code points and 9 UTF-16 units.
    const element = parse(stanza("&gt; 🐱 cat\n🙂 yes", REPLY + fallback(0, 8)));
    assert.equal(withoutFallback(element, "> 🐱 cat\n🙂 yes"), "🙂 yes");
  });

  it("leaves the body whole when the range does not fit it, or marks another XEP's fallback", () => {
    assert.equal(withoutFallback(parse(stanza("short", REPLY + fallback(0, 40))), "short"), "short");
    assert.equal(withoutFallback(parse(stanza("&gt; a\nb", REPLY + fallback(0, 4, "urn:xmpp:message-retract:1"))), "> a\nb"), "> a\nb");
  });

  it("reads no reply from a message without one, and keeps its body", () => {
    const read = readReply(parse(stanza("hello", "")), "hello");
    assert.equal(read.reply, undefined);
    assert.equal(read.body, "hello");
  });

  it("writes the reply, the quote in front of the body and the fallback marking it in code points", () => {
    const parts = replyParts({ to: "room@sb.example.org/alice", id: "0042", quote: "> alice: 🐱 cat" }, "yes");
    assert.equal(parts.body, "> alice: 🐱 cat\nyes");
    const message = chatMessage({ from: "bob@sb.example.org", to: "juliet@example.org", id: "0043", body: "yes", kind: "text", reply: { to: "alice@sb.example.org", id: "0042", quote: "> alice: 🐱 cat" } });
    assert.equal(message.getChildText("body"), "> alice: 🐱 cat\nyes");
    assert.equal(message.getChild("reply", "urn:xmpp:reply:0")?.attrs["id"], "0042");
    const range = message.getChild("fallback", "urn:xmpp:fallback:0")?.getChild("body");
    assert.equal(range?.attrs["start"], "0");
    assert.equal(range?.attrs["end"], String(Array.from("> alice: 🐱 cat\n").length));
    // What is written reads back as the answer alone.
    const back = parseMessageStanza(parse(message.toString()));
    assert.ok(back.ok);
    assert.equal(back.value.body, "yes");
  });

  it("marks the quote as written: characters XML cannot carry (an IRC line's U+FFFE) are not counted, so no word of the answer is cut", () => {
    // An IRC line may hold U+FFFE or U+FFFF (valid UTF-8), which the written body drops: the range must not count them.
    const quote = "> mallory: \uFFFE\uFFFF\uFFFEhi";
    for (const body of ["yes, agreed", "a\uFFFEb"]) {
      const message = chatMessage({ from: "bob@sb.example.org", to: "juliet@example.org", id: "0043", body, kind: "text", reply: { to: "alice@sb.example.org", id: "0042", quote } });
      const back = parseMessageStanza(parse(message.toString()));
      assert.ok(back.ok);
      assert.equal(back.value.body, body.replace(/\uFFFE/gu, ""));
    }
  });

  it("puts no quote before an action: /me stays first", () => {
    const message = chatMessage({ to: "juliet@example.org", id: "0043", body: "waves", kind: "action", reply: { to: "alice@sb.example.org", id: "0042", quote: "> alice: hi" } });
    assert.equal(message.getChildText("body"), "/me waves");
    assert.ok(message.getChild("reply", "urn:xmpp:reply:0"));
    assert.equal(message.getChild("fallback", "urn:xmpp:fallback:0"), undefined);
  });
});
