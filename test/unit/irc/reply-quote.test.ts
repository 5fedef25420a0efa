/** What IRC users see of a reply (outgoing-messages.ts ircBody, core/model/reply-quote.ts): a quote line before it. */
import assert from "node:assert/strict";
import { ircBody, ircText } from "../../../src/adapters/irc/outgoing-messages.js";
import { replyExcerpt } from "../../../src/core/model/reply-quote.js";
import type { Message } from "../../../src/core/model/message.js";

function message(fields: Partial<Message>): Message {
  return {
    id: "0002",
    origin: { protocol: "xmpp", account: "component" },
    hops: [],
    scope: "room",
    kind: "text",
    from: { protocol: "xmpp", account: "component", id: "juliet@example.org" },
    to: { protocol: "native", account: "default", id: "#dev" },
    senderName: "juliet",
    body: "my answer",
    timestamp: 0,
    ...fields,
  };
}

const answered = { id: "0001", to: { protocol: "native" as const, account: "default", id: "alice" }, senderName: "alice", excerpt: "the original" };

describe("IRC lines of a reply", () => {
  it("says a quote line of the answered message before the answer", () => {
    assert.equal(ircBody(message({ replyTo: answered })), "> alice: the original\nmy answer");
  });

  it("adds nothing to a message that answers none, an action or a correction", () => {
    assert.equal(ircBody(message({})), "my answer");
    assert.equal(ircBody(message({ replyTo: answered, kind: "action" })), "my answer");
    assert.equal(ircBody(message({ replyTo: answered, replaces: "0001" })), "* my answer");
  });

  it("quotes the first line, cut to 60 characters counted as code points", () => {
    assert.equal(replyExcerpt("\nfirst line\nsecond"), "first line");
    const long = "🐱".repeat(70);
    const excerpt = replyExcerpt(long);
    assert.equal(Array.from(excerpt).length, 60);
    assert.ok(excerpt.endsWith("🐱…"));
  });

  it("keeps the quote one line of text: a CR or another line break ends the excerpt, control characters are dropped", () => {
    assert.equal(replyExcerpt("first\rPRIVMSG #ops :second"), "first");
    assert.equal(replyExcerpt("first\u2028second"), "first");
    assert.equal(replyExcerpt("a\u0002bold\u0002 \u0003" + "4red"), "abold 4red");
    const named = { ...answered, senderName: "al\rice\u0000", excerpt: "the\toriginal" };
    assert.equal(ircBody(message({ replyTo: named })), "> al ice: the original\nmy answer");
  });

  it("leaves the quote out where max_lines_per_message leaves the answer no line after it and the line of URLs", () => {
    assert.deepEqual(ircText(message({ replyTo: answered }), 1), { words: "my answer", urls: "" });
    assert.deepEqual(ircText(message({ replyTo: answered }), 2), { words: "> alice: the original\nmy answer", urls: "" });
    const withImage = message({ replyTo: answered, attachments: [{ url: "https://example.org/cat.png" }] });
    assert.deepEqual(ircText(withImage, 2), { words: "my answer", urls: "https://example.org/cat.png" });
    assert.equal(ircText(withImage, 3).words, "> alice: the original\nmy answer");
  });
});
