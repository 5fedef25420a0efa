import assert from "node:assert/strict";
import { GatewayError } from "../../../src/core/errors.js";
import { escapeLocal, isCanonicalLocal, unescapeLocal, validateEscapedLocal } from "../../../src/adapters/xmpp/jid-escape.js";

function assertBadAddress(work: () => unknown, what: string): void {
  assert.throws(work, (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_BAD_ADDRESS", `${what} should be rejected with GW_ERR_BAD_ADDRESS`);
}

describe("XEP-0106 JID escaping", () => {
  describe("escapeLocal", () => {
    it("escapes each of the nine disallowed characters as a backslash and two lowercase hex digits", () => {
      assert.equal(escapeLocal('a b"c&d\'e/f:g<h>i@j'), "a\\20b\\22c\\26d\\27e\\2ff\\3ag\\3ch\\3ei\\40j");
    });

    it("matches the examples of XEP-0106 section 5.1", () => {
      assert.equal(escapeLocal("space cadet"), "space\\20cadet");
      assert.equal(escapeLocal('call me "ishmael"'), "call\\20me\\20\\22ishmael\\22");
      assert.equal(escapeLocal("at&t guy"), "at\\26t\\20guy");
      assert.equal(escapeLocal("d'artagnan"), "d\\27artagnan");
      assert.equal(escapeLocal("/.fanboy"), "\\2f.fanboy");
      assert.equal(escapeLocal("::foo::"), "\\3a\\3afoo\\3a\\3a");
      assert.equal(escapeLocal("<foo>"), "\\3cfoo\\3e");
      assert.equal(escapeLocal("user@host"), "user\\40host");
      assert.equal(escapeLocal("c:\\net"), "c\\3a\\net");
      assert.equal(escapeLocal("c:\\\\net"), "c\\3a\\\\net");
      assert.equal(escapeLocal("c:\\cool stuff"), "c\\3a\\cool\\20stuff");
      assert.equal(escapeLocal("c:\\5commas"), "c\\3a\\5c5commas");
    });

    it("leaves a backslash alone unless it starts an escape sequence", () => {
      assert.equal(escapeLocal("[m]x\\y|z^"), "[m]x\\y|z^");
      assert.equal(escapeLocal("foo\\bar"), "foo\\bar");
      assert.equal(escapeLocal("\\2plus\\2is\\4"), "\\2plus\\2is\\4");
      assert.equal(escapeLocal("foob\\41r"), "foob\\41r");
      assert.equal(escapeLocal("trailing\\"), "trailing\\");
    });

    it("escapes the backslash of text that looks like an escape sequence, so that it reads back as typed", () => {
      assert.equal(escapeLocal("a\\20b"), "a\\5c20b");
      assert.equal(escapeLocal("\\5c"), "\\5c5c");
      assert.equal(escapeLocal("\\3and\\2is\\5cool"), "\\5c3and\\2is\\5c5cool");
    });

    it("treats upper-case hex as no escape sequence, because case is significant", () => {
      assert.equal(escapeLocal("a\\2Fb"), "a\\2Fb");
    });

    it("keeps letters of any script, symbols and emoji as they are", () => {
      assert.equal(escapeLocal("Jürgen"), "Jürgen");
      assert.equal(escapeLocal("пётр"), "пётр");
      assert.equal(escapeLocal("東京"), "東京");
      assert.equal(escapeLocal("rocket🚀"), "rocket🚀");
    });

    it("rejects an empty name", () => {
      assertBadAddress(() => escapeLocal(""), "an empty name");
    });

    it("rejects a leading or trailing space, which \\20 may not stand for", () => {
      assertBadAddress(() => escapeLocal(" bob"), "a leading space");
      assertBadAddress(() => escapeLocal("bob "), "a trailing space");
    });

    it("rejects control characters, other spaces and characters servers would silently remove", () => {
      for (const name of ["a\u0000b", "a\u0007b", "a\tb", "a\nb", "a\u007fb", "a\u0085b", "a\u00a0b", "a\u3000b", "a\u200bb", "a\u200db", "❤\ufe0f", "a\u00adb", "a\ufeffb", "a\u202eb"]) {
        assertBadAddress(() => escapeLocal(name), JSON.stringify(name));
      }
    });

    it("rejects private-use code points, noncharacters and lone surrogates", () => {
      for (const name of ["a\ue000", "a\u{10fffd}", "a\ufffe", "a\u{1ffff}", "a\ufdd0", "a\ud800b", "a\udc00"]) {
        assertBadAddress(() => escapeLocal(name), JSON.stringify(name));
      }
    });

    it("rejects a name whose escaped form is over 1023 bytes", () => {
      assert.equal(escapeLocal("x".repeat(1023)).length, 1023);
      assertBadAddress(() => escapeLocal("x".repeat(1024)), "1024 bytes");
      assert.equal(escapeLocal("@".repeat(341)).length, 1023);
      assertBadAddress(() => escapeLocal("@".repeat(342)), "342 at signs (1026 bytes escaped)");
      assertBadAddress(() => escapeLocal("é".repeat(512)), "1024 bytes of UTF-8");
    });
  });

  describe("unescapeLocal", () => {
    it("decodes exactly the ten escape sequences", () => {
      assert.equal(unescapeLocal("a\\20b\\22c\\26d\\27e\\2ff\\3ag\\3ch\\3ei\\40j\\5ck"), 'a b"c&d\'e/f:g<h>i@j\\k');
    });

    it("leaves partial, unknown and upper-case sequences as they are (section 4.3)", () => {
      assert.equal(unescapeLocal("\\2plus\\2is\\4"), "\\2plus\\2is\\4");
      assert.equal(unescapeLocal("foo\\bar"), "foo\\bar");
      assert.equal(unescapeLocal("foob\\41r"), "foob\\41r");
      assert.equal(unescapeLocal("a\\2Fb"), "a\\2Fb");
    });

    it("decodes in one left-to-right pass, so an escaped backslash never starts another sequence", () => {
      assert.equal(unescapeLocal("\\5c20"), "\\20");
      assert.equal(unescapeLocal("\\5c5c20"), "\\5c20");
      assert.equal(unescapeLocal("\\5c3and\\2is\\5c5cool"), "\\3and\\2is\\5cool");
    });

    it("rejects a localpart holding a disallowed character unescaped", () => {
      for (const local of ["a b", 'a"b', "a&b", "a'b", "a/b", "a:b", "a<b", "a>b", "a@b"]) {
        assertBadAddress(() => unescapeLocal(local), JSON.stringify(local));
      }
    });

    it("rejects \\20 at the start or the end, as XEP-0106 section 4.1 forbids", () => {
      assertBadAddress(() => unescapeLocal("\\20bob"), "a leading \\20");
      assertBadAddress(() => unescapeLocal("bob\\20"), "a trailing \\20");
    });

    it("rejects an empty localpart and control characters", () => {
      assertBadAddress(() => unescapeLocal(""), "an empty localpart");
      assertBadAddress(() => validateEscapedLocal("a\u0001"), "a control character");
    });
  });

  describe("round trips", () => {
    const names = [
      "[m]x\\y|z^",
      "a\\20b",
      "a\\5cb",
      "\\\\",
      "\\",
      "a\\",
      "\\5c5c5c",
      "d'artagnan",
      "#c++",
      "#a b",
      "&local",
      "#dev",
      "nick_`{}|^-",
      "user@host/resource:x",
      '"quoted" <name>',
      "Jürgen Müller",
      "日本語チャンネル",
      "😀🎉",
      "%percent%",
      "a  b",
      "x".repeat(1023),
    ];

    for (const name of names) {
      it(`unescapes the escaped form of ${JSON.stringify(name.length > 40 ? `${name.slice(0, 20)}…` : name)} back to itself, canonically`, () => {
        const escaped = escapeLocal(name);
        validateEscapedLocal(escaped);
        assert.equal(unescapeLocal(escaped), name);
        assert.equal(isCanonicalLocal(escaped), true);
      });
    }

    it("round-trips names that put every printable ASCII character around a backslash", () => {
      const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
      for (const a of printable) {
        for (const b of ["2", "5", "c", "0", "\\", "f", " ", "@"]) {
          const name = `x${a}\\${b}${a}x`;
          assert.equal(unescapeLocal(escapeLocal(name)), name, JSON.stringify(name));
        }
      }
    });

    it("calls an escaped form non-canonical when another form of the same name exists", () => {
      assert.equal(isCanonicalLocal("\\5cyy"), false);
      assert.equal(isCanonicalLocal("\\yy"), true);
      assert.equal(isCanonicalLocal("a b"), false);
    });
  });
});
