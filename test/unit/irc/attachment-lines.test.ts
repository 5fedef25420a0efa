/** The text a message with attachments is said with on IRC (outgoing-messages.ts ircBody): IRC needs the URL. */
import assert from "node:assert/strict";
import { ircBody, correctionText } from "../../../src/adapters/irc/outgoing-messages.js";
import { ircLines } from "../../../src/adapters/irc/outgoing-text.js";
import { splitForIrc } from "../../../src/adapters/irc/split-message.js";
import type { Message } from "../../../src/core/model/message.js";

const IMAGE = "https://upload.example.org/abc/cat.jpg";

function message(fields: Partial<Message>): Message {
  return {
    id: "0001",
    origin: { protocol: "xmpp", account: "component" },
    hops: [],
    scope: "room",
    kind: "text",
    from: { protocol: "xmpp", account: "component", id: "juliet@example.org" },
    to: { protocol: "native", account: "default", id: "#dev" },
    senderName: "juliet",
    body: "look",
    timestamp: 0,
    ...fields,
  };
}

describe("IRC lines of a message with attachments", () => {
  it("adds each URL the body lacks on a line of its own", () => {
    assert.equal(ircBody(message({ attachments: [{ url: IMAGE, description: "a cat" }] })), `look\n${IMAGE}`);
  });

  it("says a body that is the URL already once", () => {
    assert.equal(ircBody(message({ body: IMAGE, attachments: [{ url: IMAGE }] })), IMAGE);
  });

  it("marks a correction before the body, URLs included", () => {
    assert.equal(ircBody(message({ replaces: "0000", attachments: [{ url: IMAGE }] })), `* look\n${IMAGE}`);
  });

  it("gives IRC every link of a message with as many attachments as the core keeps, within the default cap of 5 lines", () => {
    const urls = Array.from({ length: 10 }, (_, index) => `https://upload.example.org/${index}/picture-${index}.jpg`);
    for (const body of ["ten pictures", urls.join("\n")]) {
      const { lines, truncated } = splitForIrc(ircBody(message({ body, attachments: urls.map((url) => ({ url })) })), { prefixBytes: 120, maxLines: 5 });
      assert.equal(truncated, false, `nothing cut: ${lines.join(" | ")}`);
      for (const url of urls) assert.ok(lines.some((line) => line.split(" ").includes(url)), `${url} is sent whole`);
    }
  });

  it("cuts the words of a long message, never its line of URLs, to keep within max_lines_per_message", () => {
    const connection = { nick: "juliet[sb]", server: { lineLen: 512 }, send: (): void => undefined };
    const body = ["l1", "l2", "l3", "l4", "l5", "l6"].join("\n");
    for (const replaces of [undefined, "0000"]) {
      const { words, urls } = correctionText(message({ body, attachments: [{ url: IMAGE }], ...(replaces === undefined ? {} : { replaces }) }));
      const { lines, split } = ircLines(connection, "#dev", words, "text", { maxLines: 5, tail: urls });
      const first = replaces === undefined ? "l1" : "* l1";
      assert.deepEqual(lines, [first, "l2", "l3", "l4…", IMAGE]);
      assert.equal(split.truncated, true);
      assert.equal(split.droppedLines, 2);
    }
    // A line of URLs longer than the cap alone still goes whole, after one line of words.
    const many = Array.from({ length: 10 }, (_, index) => `https://upload.example.org/${index}/${"p".repeat(60)}.jpg`);
    const { words, urls } = correctionText(message({ body, attachments: many.map((url) => ({ url })) }));
    const { lines } = ircLines(connection, "#dev", words, "text", { maxLines: 2, tail: urls });
    assert.equal(lines[0], "l1…");
    assert.ok(lines.length > 2, "more lines than the cap");
    assert.deepEqual(lines.slice(1).flatMap((line) => line.split(" ")), many);
  });

  it("never cuts a URL that fits a line: URLs too long to share one are packed into lines of their own", () => {
    const connection = { nick: "juliet[sb]", server: { lineLen: 512 }, send: (): void => undefined };
    const long = Array.from({ length: 4 }, (_, index) => `https://upload.example.org/${index}/${"p".repeat(180)}.jpg`);
    for (const kind of ["text", "action"] as const) {
      const { lines } = ircLines(connection, "#dev", "look", kind, { maxLines: 5, tail: long.join(" ") });
      const said = lines.slice(1).map((line) => (kind === "action" ? line.slice("\u0001ACTION ".length, -1) : line));
      assert.deepEqual(said.flatMap((line) => line.split(" ")), long, `${kind}: each URL whole, in order: ${said.join(" | ")}`);
    }
  });
});
