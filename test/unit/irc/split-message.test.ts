import assert from "node:assert/strict";
import { TextDecoder } from "node:util";
import { GatewayError } from "../../../src/core/errors.js";
import { encodeAction } from "../../../src/adapters/irc/ctcp.js";
import {
  ASSUMED_HOST_BYTES,
  ASSUMED_USER_BYTES,
  privmsgOverhead,
  splitForIrc,
  truncateUtf8,
  utf8Length,
  type SplitResult,
} from "../../../src/adapters/irc/split-message.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });
const graphemes = new Intl.Segmenter("und", { granularity: "grapheme" });

/** A prefix that leaves exactly `budget` bytes of text in a 512-byte line. */
function prefixFor(budget: number): number {
  return 512 - budget;
}

function lines(body: string, budget: number, extra: Partial<Parameters<typeof splitForIrc>[1]> = {}): readonly string[] {
  return splitForIrc(body, { prefixBytes: prefixFor(budget), ...extra }).lines;
}

/** Checks every invariant of a split without truncation: budget, spans, gaps, grapheme boundaries, valid UTF-8. */
function assertFaithful(body: string, result: SplitResult): void {
  const boundaries = new Set<number>();
  for (const { index } of graphemes.segment(body)) boundaries.add(index);
  boundaries.add(body.length);
  let previousEnd = 0;
  result.lines.forEach((line, i) => {
    const span = result.spans[i];
    assert.ok(span !== undefined);
    assert.equal(line, body.slice(span.start, span.end), `line ${i} is its span`);
    assert.ok(line.length > 0, `line ${i} is not empty`);
    assert.ok(utf8Length(line) <= result.budgetBytes, `line ${i} has ${utf8Length(line)} bytes, over ${result.budgetBytes}`);
    assert.equal(utf8.decode(Buffer.from(line, "utf8")), line, `line ${i} is valid UTF-8`);
    assert.ok(!/[\uD800-\uDBFF]$/.test(line) && !/^[\uDC00-\uDFFF]/.test(line), `line ${i} does not cut a surrogate pair`);
    assert.ok(boundaries.has(span.start) && boundaries.has(span.end), `line ${i} starts and ends between grapheme clusters`);
    const gap = body.slice(previousEnd, span.start);
    assert.ok(i === 0 ? /^(\r\n|\r|\n)*$/.test(gap) : /^ ?(\r\n|\r|\n)*$/.test(gap), `gap before line ${i} is ${JSON.stringify(gap)}`);
    previousEnd = span.end;
  });
  assert.ok(/^ ?(\r\n|\r|\n)*$/.test(body.slice(previousEnd)), "only a break space and line breaks follow the last line");
}

/** Puts the body back together from the lines and the gaps between their spans. */
function rebuild(body: string, result: SplitResult): string {
  let out = "";
  let previousEnd = 0;
  result.lines.forEach((line, i) => {
    const span = result.spans[i];
    assert.ok(span !== undefined);
    out += body.slice(previousEnd, span.start) + line;
    previousEnd = span.end;
  });
  return out + body.slice(previousEnd);
}

/** A deterministic 2,000-character mix of ASCII words, emoji (ZWJ, flags, skin tones), CJK and combining marks. */
function mixedBody(): string {
  const atoms = ["hello", "world", "😀", "👩‍💻", "🇫🇷", "👍🏽", "日本語", "中文字符", "한국어", "e\u0301", "a\u0301\u0302\u0303", "Ωμέγα", "naïve", "—", "x", "supercalifragilistic", "𝔘𝔫𝔦"];
  let seed = 7;
  let body = "";
  while (body.length < 2000) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const atom = atoms[seed % atoms.length] ?? "x";
    body += atom + (seed % 11 === 0 ? "" : " ");
  }
  return body.slice(0, 2000).replace(/[\uD800-\uDBFF]$/, "x");
}

describe("splitting messages for IRC (RFC 1459 section 2.3)", () => {
  describe("privmsgOverhead", () => {
    it("counts ':nick!user@host PRIVMSG target :' and CR LF", () => {
      const prefix = ":bob!~bob@host.example PRIVMSG #chan :";
      assert.equal(privmsgOverhead("bob", "~bob", "host.example", "#chan"), prefix.length + 2);
    });

    it("counts NOTICE and non-ASCII in bytes", () => {
      assert.equal(privmsgOverhead("bob", "u", "h", "#ch", "NOTICE"), ":bob!u@h NOTICE #ch :\r\n".length);
      assert.equal(privmsgOverhead("bob", "u", "h", "#café"), ":bob!u@h PRIVMSG #café :\r\n".length + 1);
    });

    it("assumes USERLEN 10 and HOSTLEN 63 when the user or host is unknown", () => {
      assert.equal(ASSUMED_USER_BYTES, 10);
      assert.equal(ASSUMED_HOST_BYTES, 63);
      assert.equal(privmsgOverhead("bob", undefined, undefined, "#chan"), 1 + 3 + 1 + 10 + 1 + 63 + 1 + 7 + 1 + 5 + 2 + 2);
      assert.equal(privmsgOverhead("bob", "u", undefined, "#chan"), privmsgOverhead("bob", "u", "h".repeat(63), "#chan"));
    });

    it("takes other assumptions when told", () => {
      assert.equal(privmsgOverhead("bob", undefined, undefined, "#c", "PRIVMSG", { userBytes: 12, hostBytes: 100 }), privmsgOverhead("bob", "u".repeat(12), "h".repeat(100), "#c"));
    });
  });

  describe("utf8Length and truncateUtf8", () => {
    it("counts UTF-8 bytes", () => {
      assert.equal(utf8Length("aé€😀"), 1 + 2 + 3 + 4);
    });

    it("cuts between grapheme clusters", () => {
      assert.equal(truncateUtf8("abc", 5), "abc");
      assert.equal(truncateUtf8("abcdef", 3), "abc");
      assert.equal(truncateUtf8("a😀b", 4), "a");
      assert.equal(truncateUtf8("e\u0301e\u0301", 4), "e\u0301");
      assert.equal(truncateUtf8("ab👩‍💻", 12), "ab");
    });

    it("falls back to code points when the first grapheme is too long", () => {
      assert.equal(truncateUtf8("👩‍💻", 5), "👩");
      assert.equal(truncateUtf8("😀", 3), "");
    });
  });

  describe("splitForIrc", () => {
    it("returns a short body as one line, with its span", () => {
      const result = splitForIrc("hello world", { prefixBytes: 100 });
      assert.deepEqual(result, { lines: ["hello world"], spans: [{ start: 0, end: 11 }], truncated: false, droppedLines: 0, droppedBytes: 0, budgetBytes: 412 });
    });

    it("cuts logical lines at CR LF, CR and LF", () => {
      assert.deepEqual(lines("one\r\ntwo\rthree\nfour", 100), ["one", "two", "three", "four"]);
    });

    it("drops empty lines and keeps lines of spaces", () => {
      assert.deepEqual(lines("\n\none\n\n\ntwo\r\n\r\n", 100), ["one", "two"]);
      assert.deepEqual(lines("a\n   \nb", 100), ["a", "   ", "b"]);
      assert.deepEqual(lines("\r\n\n\r", 100), []);
      assert.deepEqual(lines("", 100), []);
    });

    it("fills each line up to the budget exactly when there is no space", () => {
      assert.deepEqual(lines("a".repeat(25), 10), ["a".repeat(10), "a".repeat(10), "a".repeat(5)]);
    });

    it("breaks at a space that directly follows the longest piece, consuming it", () => {
      const result = splitForIrc("aaaaaaaaaa bbbbb", { prefixBytes: prefixFor(10) });
      assert.deepEqual(result.lines, ["aaaaaaaaaa", "bbbbb"]);
      assert.deepEqual(result.spans, [{ start: 0, end: 10 }, { start: 11, end: 16 }]);
    });

    it("breaks at the last space in the last quarter of the piece", () => {
      // budget 20: the longest piece is 20 bytes; a space at 16 (>= 20 - 5) is taken
      assert.deepEqual(lines("aaaaaaaaaaaaaaaa bbbbbbbbbbbb", 20), ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbb"]);
      // two spaces in the window: the last one wins
      assert.deepEqual(lines("aaaaaaaaaaaaaaa b cccccccccccc", 20), ["aaaaaaaaaaaaaaa b", "cccccccccccc"]);
    });

    it("cuts inside a word rather than break at a space before the last quarter", () => {
      // the only space is at 5, far before 20 - 5 = 15: the word is cut at the budget
      assert.deepEqual(lines("aaaaa bbbbbbbbbbbbbbbbbbbbbbbb", 20), ["aaaaa bbbbbbbbbbbbbb", "bbbbbbbbbb"]);
    });

    it("keeps the other spaces of a run of spaces", () => {
      const body = "aaaaaaaaaa   bbb";
      const result = splitForIrc(body, { prefixBytes: prefixFor(10) });
      assert.deepEqual(result.lines, ["aaaaaaaaaa", "  bbb"]);
      assert.equal(rebuild(body, result), body);
    });

    it("never cuts a multi-byte character or a grapheme cluster", () => {
      assert.deepEqual(lines("€€€€€", 8), ["€€", "€€", "€"]);
      assert.deepEqual(lines("😀😀😀", 8), ["😀😀", "😀"]);
      assert.deepEqual(lines("e\u0301e\u0301e\u0301e\u0301", 8), ["e\u0301e\u0301", "e\u0301e\u0301"]);
      assert.deepEqual(lines("ab👩‍💻cd", 11), ["ab", "👩‍💻", "cd"]);
    });

    it("cuts a single grapheme larger than the budget between code points", () => {
      const family = "👨‍👩‍👧‍👦"; // 25 bytes
      const result = splitForIrc(`x${family}y`, { prefixBytes: prefixFor(8) });
      assert.deepEqual(result.lines, ["x", "👨\u200d", "👩\u200d", "👧\u200d", "👦", "y"]);
      for (const line of result.lines) assert.ok(utf8Length(line) <= 8);
      assert.equal(result.lines.join(""), `x${family}y`);
    });

    it("does not break at a space that carries a combining mark", () => {
      // " \u0301" is one grapheme cluster, so it is not a break opportunity
      assert.deepEqual(lines("aaaaaaaaa \u0301bbbbbbb", 10), ["aaaaaaaaa", " \u0301bbbbbbb"]);
    });

    it("keeps 9 bytes free for each ACTION wrapper", () => {
      const body = "w".repeat(100);
      const result = splitForIrc(body, { prefixBytes: 412, action: true });
      assert.equal(result.budgetBytes, 91);
      assert.deepEqual(result.lines, ["w".repeat(91), "w".repeat(9)]);
      for (const line of result.lines) assert.ok(utf8Length(encodeAction(line)) <= 100);
    });

    it("splits a 2,000-character message of ASCII, emoji, CJK and combining marks faithfully", () => {
      const body = mixedBody();
      assert.equal(body.length, 2000);
      // 11 bytes: the largest grapheme of the mix (👩‍💻) still fits whole
      for (const budget of [11, 13, 50, 137, 400]) {
        const result = splitForIrc(body, { prefixBytes: prefixFor(budget) });
        assert.ok(result.lines.length > 1, `budget ${budget} splits`);
        assertFaithful(body, result);
        assert.equal(rebuild(body, result), body, `budget ${budget} rebuilds the body`);
      }
    });

    it("finds the same grapheme boundaries in a long body as in one piece (flags, ZWJ emoji, a huge cluster)", () => {
      const flags = "🇫🇷🇩🇪🇯🇵".repeat(700);
      const family = "👨‍👩‍👧‍👦 ".repeat(300);
      const zalgo = `z${"\u0301\u0316".repeat(1500)}`;
      for (const prefix of ["", "a", "ab", "abc"]) {
        const body = `${prefix}${flags} ${family}${zalgo} ${mixedBody()}${flags}`;
        const result = splitForIrc(body, { prefixBytes: prefixFor(37) });
        assert.ok(result.lines.filter((line) => !line.includes("\u0316")).length > 100);
        assert.equal(rebuild(body, result), body);
        result.spans.forEach((span, i) => {
          const gap = body.slice(result.spans[i - 1]?.end ?? 0, span.start);
          assert.ok(gap === "" || gap === " ", `prefix ${JSON.stringify(prefix)}: ${JSON.stringify(gap)} before line ${i} was not sent`);
        });
        const boundaries = new Set(Array.from(graphemes.segment(body), ({ index }) => index));
        boundaries.add(body.length);
        result.spans.forEach((span, i) => {
          const line = result.lines[i] ?? "";
          if (line.includes("\u0316")) return; // the 6,001-unit cluster is larger than the budget and cut between code points
          assert.ok(boundaries.has(span.start) && boundaries.has(span.end), `prefix ${JSON.stringify(prefix)}: line ${i} ${JSON.stringify(line)} is cut inside a cluster`);
        });
      }
    });

    it("splits a 64 KiB body quickly", () => {
      const body = "héllo wörld 😀 日本語 e\u0301 ".repeat(3000).slice(0, 65536);
      const started = performance.now();
      const result = splitForIrc(body, { prefixBytes: 120 });
      assert.ok(performance.now() - started < 2000, "well under the 5 s one-piece segmentation took");
      assert.equal(rebuild(body, result), body);
    });

    it("splits the same message faithfully as actions and with line breaks", () => {
      const body = mixedBody().replace(/x/g, "\n").replace(/—/g, "\r\n\r\n");
      const result = splitForIrc(body, { prefixBytes: privmsgOverhead("alice[sb]", undefined, undefined, "#switchboard"), action: true });
      assertFaithful(body, result);
      assert.equal(rebuild(body, result), body);
      for (const line of result.lines) assert.ok(utf8Length(encodeAction(line)) + privmsgOverhead("alice[sb]", undefined, undefined, "#switchboard") <= 512);
    });

    it("makes every line within 512 bytes once the relayed prefix is added", () => {
      const nick = "alice[sb]";
      const target = "#a-rather-long-channel-name";
      const prefix = `:${nick}!${"u".repeat(10)}@${"h".repeat(63)} PRIVMSG ${target} :`;
      const result = splitForIrc("ñ😀 ".repeat(400), { prefixBytes: privmsgOverhead(nick, undefined, undefined, target) });
      for (const line of result.lines) assert.ok(utf8Length(`${prefix}${line}\r\n`) <= 512);
      assert.ok(result.lines.some((line) => utf8Length(`${prefix}${line}\r\n`) >= 505), "lines use the budget");
    });

    describe("with maxLines", () => {
      it("keeps the first lines and ends the last with the marker", () => {
        const body = "one\ntwo\nthree\nfour\nfive";
        const result = splitForIrc(body, { prefixBytes: prefixFor(100), maxLines: 2 });
        assert.deepEqual(result.lines, ["one", "two…"]);
        assert.equal(result.truncated, true);
        assert.equal(result.droppedLines, 3);
        assert.equal(result.droppedBytes, utf8Length("\nthree\nfour\nfive"));
      });

      it("shortens the last line so the marker fits the budget", () => {
        const body = "a".repeat(30);
        const result = splitForIrc(body, { prefixBytes: prefixFor(10), maxLines: 2 });
        assert.deepEqual(result.lines, ["a".repeat(10), `${"a".repeat(7)}…`]);
        assert.equal(utf8Length(result.lines[1] ?? ""), 10);
        assert.deepEqual(result.spans, [{ start: 0, end: 10 }, { start: 10, end: 17 }]);
        assert.equal(result.droppedLines, 1);
        assert.equal(result.droppedBytes, 13);
      });

      it("takes another marker, or none", () => {
        assert.deepEqual(lines("a\nb\nc", 100, { maxLines: 1, truncationMarker: " [...]" }), ["a [...]"]);
        assert.deepEqual(lines("a\nb\nc", 100, { maxLines: 2, truncationMarker: "" }), ["a", "b"]);
      });

      it("shortens the last line between grapheme clusters", () => {
        const result = splitForIrc("😀😀😀😀😀😀", { prefixBytes: prefixFor(10), maxLines: 1 });
        assert.deepEqual(result.lines, ["😀…"]);
        assert.equal(result.droppedBytes, 20);
      });

      it("does not truncate what fits exactly", () => {
        const result = splitForIrc("one\ntwo", { prefixBytes: prefixFor(100), maxLines: 2 });
        assert.deepEqual(result.lines, ["one", "two"]);
        assert.equal(result.truncated, false);
        assert.equal(result.droppedLines, 0);
      });

      it("stays within the budget when truncating the mixed message", () => {
        const body = mixedBody();
        const result = splitForIrc(body, { prefixBytes: prefixFor(60), maxLines: 5 });
        assert.equal(result.lines.length, 5);
        assert.equal(result.truncated, true);
        assert.ok(result.lines[4]?.endsWith("…"));
        for (const line of result.lines) assert.ok(utf8Length(line) <= 60);
        const last = result.spans[4];
        assert.ok(last !== undefined);
        assert.equal(result.droppedBytes, utf8Length(body.slice(last.end)));
      });
    });

    it("refuses a prefix that leaves too little room for text", () => {
      assert.throws(
        () => splitForIrc("hi", { prefixBytes: 506 }),
        (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_DELIVERY_FAILED" && /leaves only 6 bytes/.test(error.message),
      );
      assert.throws(() => splitForIrc("hi", { prefixBytes: 500, action: true }), GatewayError);
      assert.throws(() => splitForIrc("hi", { prefixBytes: 500, maxLines: 3, truncationMarker: "[truncated]" }), GatewayError);
      assert.doesNotThrow(() => splitForIrc("hi", { prefixBytes: 500, truncationMarker: "[truncated]" }));
      assert.doesNotThrow(() => splitForIrc("hi", { prefixBytes: 504 }));
    });

    it("refuses nonsensical options as internal errors", () => {
      for (const options of [{ prefixBytes: -1 }, { prefixBytes: 1.5 }, { prefixBytes: 10, maxLines: 0 }, { prefixBytes: 10, maxLineBytes: 0 }]) {
        assert.throws(() => splitForIrc("hi", options), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_INTERNAL", JSON.stringify(options));
      }
    });
  });
});
