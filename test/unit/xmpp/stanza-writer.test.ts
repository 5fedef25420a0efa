import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { xml } from "@xmpp/component";
import type { Element } from "ltx";
import { writeCorked } from "../../../src/adapters/xmpp/stanza-writer.js";

/** A stream that records each system-call-sized write it is handed: one chunk (_write) or several (_writev). */
function recordingStream(): { stream: Writable; writes: string[][] } {
  const writes: string[][] = [];
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string, _encoding, done) {
      writes.push([chunk]);
      done();
    },
    writev(chunks, done) {
      writes.push(chunks.map((entry) => String(entry.chunk)));
      done();
    },
  });
  return { stream, writes };
}

function writeTo(stream: Writable): (element: Element) => Promise<void> {
  return (element) => new Promise((resolve, reject) => stream.write(element.toString(), (error) => (error ? reject(error) : resolve())));
}

describe("writeCorked (the stanzas of one room event)", () => {
  const lines = ["a", "b", "c"].map((to) => xml("message", { to, type: "groupchat" }, xml("body", {}, "hi")));

  it("hands the stanzas of one event to the socket as one write, in order, and settles once they are written", async () => {
    const { stream, writes } = recordingStream();
    await writeCorked(stream, lines, writeTo(stream));
    assert.equal(writes.length, 1, "one write for the three stanzas");
    assert.deepEqual(writes[0], lines.map((line) => line.toString()));
    assert.equal(stream.writableCorked, 0, "the socket is not left corked");
  });

  it("releases the socket at once, also when making a write throws, and rejects with that error", async () => {
    const { stream, writes } = recordingStream();
    let calls = 0;
    const failing = (element: Element): Promise<void> => {
      calls += 1;
      if (calls === 2) throw new Error("no connection");
      return writeTo(stream)(element);
    };
    await assert.rejects(writeCorked(stream, lines, failing), /no connection/);
    assert.equal(stream.writableCorked, 0);
    assert.deepEqual(writes.flat(), [lines[0]?.toString()]);
  });
});
