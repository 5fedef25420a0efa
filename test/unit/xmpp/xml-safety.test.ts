import assert from "node:assert/strict";
import { Parser as StreamParser, type Element as XmppElement } from "@xmpp/xml";
import { Parser, parse, type Element } from "ltx";
import { INITIAL_XML_SCAN, findForbiddenXml, scanXmlChunk, stripInvalidXmlChars, type XmlScanState } from "../../../src/adapters/xmpp/xml-safety.js";

const STREAM_OPEN = `<?xml version='1.0'?><stream:stream xmlns="jabber:component:accept" xmlns:stream="http://etherx.jabber.org/streams" from="switchboard.localhost" id="s1">`;
const BILLION_LAUGHS = `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>`;
const MESSAGE = `<message from="juliet@capulet.example/balcony" to="alice@switchboard.localhost"><body>after</body></message>`;

/** Feeds chunks to the streaming parser @xmpp/connection uses, recording what comes out. */
function feedStream(chunks: readonly string[]): { elements: string[]; errors: string[]; thrown?: string } {
  const parser = new StreamParser();
  const elements: string[] = [];
  const errors: string[] = [];
  parser.on("element", (element: XmppElement) => elements.push(element.toString()));
  parser.on("error", (error: Error) => errors.push(error.message));
  try {
    for (const chunk of chunks) parser.write(chunk);
  } catch (error: unknown) {
    return { elements, errors, thrown: (error as Error).message };
  }
  return { elements, errors };
}

/** Scans `text` cut into chunks at the given positions. */
function scanInChunks(text: string, cuts: readonly number[]): string | undefined {
  let state: XmlScanState = INITIAL_XML_SCAN;
  let start = 0;
  for (const end of [...cuts, text.length]) {
    const result = scanXmlChunk(state, text.slice(start, end));
    if (result.problem !== undefined) return result.problem;
    state = result.state;
    start = end;
  }
  return undefined;
}

describe("XML safety of inbound streams", () => {
  describe("what ltx does with DTDs and entities (recorded behaviour, not a wish)", () => {
    it("never expands a declared entity: ltx.parse calls a billion-laughs document incomplete", () => {
      assert.throws(() => parse(`${BILLION_LAUGHS}<lolz>&lol2;</lolz>`), /Incomplete document/);
    });

    it("never reads an external entity: the DOCTYPE swallows the document", () => {
      assert.throws(() => parse(`<!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><m>&xxe;</m>`), /Incomplete document/);
    });

    it("makes ltx's own Parser report an incomplete document after a DOCTYPE, with no tree", () => {
      const parser = new Parser();
      const trees: Element[] = [];
      const errors: string[] = [];
      parser.on("tree", (tree: Element) => trees.push(tree));
      parser.on("error", (error: Error) => errors.push(error.message));
      parser.write(`<!DOCTYPE m><m>hello</m>`);
      parser.end("");
      assert.deepEqual([trees.length, errors], [0, ["Incomplete document"]]);
    });

    it("silently swallows every later stanza of a stream after a DOCTYPE, without an error", () => {
      const result = feedStream([STREAM_OPEN, BILLION_LAUGHS, MESSAGE, MESSAGE]);
      assert.deepEqual(result, { elements: [], errors: [] });
    });

    it("resumes after a DOCTYPE at the next '-->' or ']]>', still without expanding anything", () => {
      const result = feedStream([STREAM_OPEN, `<!DOCTYPE x [<!-- c -->`, MESSAGE]);
      assert.deepEqual(result.elements, [MESSAGE]);
    });

    it("throws out of write() on an undeclared entity reference, instead of emitting an error", () => {
      const result = feedStream([STREAM_OPEN, `<message><body>&lol;</body></message>`]);
      assert.equal(result.thrown, "Illegal XML entity &lol;");
      assert.deepEqual(result.errors, []);
    });

    it("throws out of write() on an entity reference in an attribute and on an illegal character reference", () => {
      assert.equal(feedStream([STREAM_OPEN, `<message to="&lol;"/>`]).thrown, "Illegal XML entity &lol;");
      assert.equal(feedStream([STREAM_OPEN, `<message><body>&#0;</body></message>`]).thrown, "Illegal XML character 0x0");
    });

    it("decodes the predefined entities and character references", () => {
      assert.deepEqual(feedStream([STREAM_OPEN, `<m><body>&lt;&amp;&#65;&#x1F600;</body></m>`]).elements, [`<m><body>&lt;&amp;A😀</body></m>`]);
    });
  });

  describe("findForbiddenXml", () => {
    it("refuses a DOCTYPE declaration", () => {
      assert.match(findForbiddenXml(`${STREAM_OPEN}${BILLION_LAUGHS}`) ?? "", /DOCTYPE/);
      assert.match(findForbiddenXml("<!doctype x>") ?? "", /DOCTYPE/);
    });

    it("refuses an ENTITY declaration and other markup declarations", () => {
      assert.match(findForbiddenXml(`<!ENTITY lol "lol">`) ?? "", /ENTITY/);
      assert.match(findForbiddenXml(`<!ELEMENT x ANY>`) ?? "", /markup declaration/);
    });

    it("refuses comments and processing instructions, which RFC 6120 section 11.1 also restricts", () => {
      assert.match(findForbiddenXml(`${STREAM_OPEN}<!-- hi -->`) ?? "", /comment/);
      assert.match(findForbiddenXml(`<?php echo 1; ?>`) ?? "", /processing instruction/);
    });

    it("refuses entity references other than the predefined ones, and bare ampersands", () => {
      assert.match(findForbiddenXml(`<m>&lol;</m>`) ?? "", /entity reference "&lol;"/);
      assert.match(findForbiddenXml(`<m a="&xxe;"/>`) ?? "", /entity reference/);
      assert.match(findForbiddenXml(`<m>fish & chips</m>`) ?? "", /entity reference/);
    });

    it("refuses a character reference to a character XML does not allow", () => {
      assert.match(findForbiddenXml(`<m>&#0;</m>`) ?? "", /character reference/);
      assert.match(findForbiddenXml(`<m>&#xFFFE;</m>`) ?? "", /character reference/);
      assert.match(findForbiddenXml(`<m>&#x110000;</m>`) ?? "", /character reference/);
    });

    it("accepts an ordinary stream with the XML declaration, references and CDATA", () => {
      const text = `${STREAM_OPEN}<message to="a&amp;b"><body>&lt;&gt;&amp;&quot;&apos;&#65;&#x1F600; <![CDATA[<!DOCTYPE & <!-- not markup -->]]></body></message>`;
      assert.equal(findForbiddenXml(text), undefined);
    });

    it("lets an unfinished construct at the end pass, for the next chunk to decide", () => {
      assert.equal(findForbiddenXml("<m>&am"), undefined);
      assert.equal(findForbiddenXml("<m><!"), undefined);
      assert.equal(findForbiddenXml("<m><![CDA"), undefined);
      assert.equal(findForbiddenXml("<?xm"), undefined);
      assert.equal(findForbiddenXml("<m><"), undefined);
    });
  });

  describe("scanXmlChunk", () => {
    it("finds a DOCTYPE however a stream is cut into chunks", () => {
      const text = `${STREAM_OPEN}${MESSAGE}<!DOCTYPE x>${MESSAGE}`;
      const at = text.indexOf("<!DOCTYPE");
      for (let cut = at - 2; cut <= at + 10; cut++) {
        assert.match(scanInChunks(text, [cut]) ?? "", /DOCTYPE/, `cut at ${cut}`);
        assert.match(scanInChunks(text, [cut, cut + 1, cut + 3]) ?? "", /DOCTYPE/, `cuts at ${cut}, +1, +3`);
      }
    });

    it("finds an undeclared entity cut across chunks", () => {
      const text = "<m>ab&lol;cd</m>";
      for (let cut = 1; cut < text.length; cut++) assert.match(scanInChunks(text, [cut]) ?? "", /entity reference/, `cut at ${cut}`);
    });

    it("accepts predefined entities and CDATA however they are cut", () => {
      const text = `${STREAM_OPEN}<m a="&quot;">&amp;&#x1F600;<![CDATA[ & <!DOCTYPE ]] ]]>&lt;</m>`;
      for (let cut = 1; cut < text.length; cut++) assert.equal(scanInChunks(text, [cut]), undefined, `cut at ${cut}`);
      for (let cut = 1; cut < text.length - 2; cut++) assert.equal(scanInChunks(text, [cut, cut + 1, cut + 2]), undefined, `cuts at ${cut}, +1, +2`);
    });

    it("finds markup after a CDATA section that ended in an earlier chunk", () => {
      assert.match(scanInChunks("<m><![CDATA[x]]></m><!DOCTYPE y>", [14, 15]) ?? "", /DOCTYPE/);
    });

    it("scans a large chunk of many stanzas in linear time", () => {
      const text = `${STREAM_OPEN}${MESSAGE.repeat(20000)}`;
      const started = process.hrtime.bigint();
      assert.equal(findForbiddenXml(text), undefined);
      assert.ok(process.hrtime.bigint() - started < 2_000_000_000n, "2 MB should take well under 2 s");
      assert.match(findForbiddenXml(`${text}&lol;`) ?? "", /&lol;/);
    });

    it("carries at most a short unfinished tail, never the whole chunk", () => {
      const { state } = scanXmlChunk(INITIAL_XML_SCAN, `${"x".repeat(10000)}&amp`);
      assert.equal(state.pending, "&amp");
      assert.match(scanXmlChunk(INITIAL_XML_SCAN, `&${"a".repeat(40)}`).problem ?? "", /entity reference/);
    });
  });

  describe("stripInvalidXmlChars", () => {
    it("removes C0 controls other than tab, newline and carriage return", () => {
      assert.equal(stripInvalidXmlChars("a\u0000b\u0002c\u0003d\u001fe\tf\ng\rh"), "abcde\tf\ng\rh");
    });

    it("removes U+FFFE, U+FFFF and lone surrogates but keeps pairs", () => {
      assert.equal(stripInvalidXmlChars("a\ufffeb\uffffc\ud800d\udc00e😀"), "abcde😀");
    });

    it("keeps ordinary text unchanged", () => {
      assert.equal(stripInvalidXmlChars("Grüße <&> 東京"), "Grüße <&> 東京");
    });
  });
});
