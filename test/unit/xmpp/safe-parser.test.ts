import assert from "node:assert/strict";
import { Parser } from "@xmpp/xml";
import { guardedParser, type StreamParserClass } from "../../../src/adapters/xmpp/safe-parser.js";

const STREAM_OPEN = "<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' id='s1'>";

function run(chunks: readonly string[]): { elements: string[]; errors: string[] } {
  const Guarded = guardedParser(Parser as unknown as StreamParserClass);
  const parser = new Guarded() as unknown as InstanceType<typeof Parser>;
  const elements: string[] = [];
  const errors: string[] = [];
  parser.on("element", (element: { toString(): string }) => elements.push(element.toString()));
  parser.on("error", (error: Error) => errors.push(error.message));
  for (const chunk of chunks) parser.write(chunk);
  return { elements, errors };
}

describe("the guarded XMPP stream parser", () => {
  it("parses ordinary stanzas as the plain parser does", () => {
    const { elements, errors } = run([STREAM_OPEN, "<message to='a@b' from='c@d'><body>caf&#xe9; &amp; ok</body></message>"]);
    assert.deepEqual(errors, []);
    assert.equal(elements.length, 1);
    assert.match(elements[0] ?? "", /café &amp; ok/);
  });

  it("turns an unknown entity into a parser error instead of an exception", () => {
    const { elements, errors } = run([STREAM_OPEN, "<message to='a@b' from='c@d'><body>&lol;</body></message>"]);
    assert.deepEqual(elements, []);
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? "", /restricted XML refused/);
  });

  it("refuses a DOCTYPE with entity declarations (an XML bomb) before the parser sees it", () => {
    const bomb = "<!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;'>]>";
    const { elements, errors } = run([STREAM_OPEN, bomb, "<message to='a@b' from='c@d'><body>&lol2;</body></message>"]);
    assert.deepEqual(elements, []);
    assert.equal(errors.length >= 1, true);
    assert.match(errors[0] ?? "", /restricted XML refused/);
  });

  it("finds a forbidden construct split across two chunks", () => {
    const { errors } = run([STREAM_OPEN, "<message to='a@b'><body>&lo", "l;</body></message>"]);
    assert.equal(errors.length, 1);
  });
});
