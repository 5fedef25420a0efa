/** The text a message with attachments is said with on IRC (outgoing-messages.ts correctionBody): IRC needs the URL. */
import assert from "node:assert/strict";
import { correctionBody } from "../../../src/adapters/irc/outgoing-messages.js";
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
    assert.equal(correctionBody(message({ attachments: [{ url: IMAGE, description: "a cat" }] })), `look\n${IMAGE}`);
  });

  it("says a body that is the URL already once", () => {
    assert.equal(correctionBody(message({ body: IMAGE, attachments: [{ url: IMAGE }] })), IMAGE);
  });

  it("marks a correction before the body, URLs included", () => {
    assert.equal(correctionBody(message({ replaces: "0000", attachments: [{ url: IMAGE }] })), `* look\n${IMAGE}`);
  });

  it("gives IRC every link of a message with as many attachments as the core keeps, within the default cap of 5 lines", () => {
    const urls = Array.from({ length: 10 }, (_, index) => `https://upload.example.org/${index}/picture-${index}.jpg`);
    for (const body of ["ten pictures", urls.join("\n")]) {
      const { lines, truncated } = splitForIrc(correctionBody(message({ body, attachments: urls.map((url) => ({ url })) })), { prefixBytes: 120, maxLines: 5 });
      assert.equal(truncated, false, `nothing cut: ${lines.join(" | ")}`);
      for (const url of urls) assert.ok(lines.some((line) => line.split(" ").includes(url)), `${url} is sent whole`);
    }
  });
});
