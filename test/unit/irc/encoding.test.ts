import assert from "node:assert/strict";
import { GatewayError } from "../../../src/core/errors.js";
import { canonicalEncoding, decodeIrcBytes, isSupportedEncoding, isValidUtf8 } from "../../../src/adapters/irc/encoding.js";

function bytes(...values: (number | string)[]): Uint8Array {
  return Uint8Array.from(values.flatMap((value) => (typeof value === "string" ? [...Buffer.from(value, "latin1")] : [value])));
}

describe("IRC line encodings (modern.ircdocs.horse, character encodings)", () => {
  describe("decodeIrcBytes", () => {
    it("decodes valid UTF-8 as UTF-8, whatever the fallback", () => {
      const line = Buffer.from(":bob!b@h PRIVMSG #c :Grüße 😀", "utf8");
      for (const fallback of ["latin1", "koi8-r", "iso-8859-15"]) assert.equal(decodeIrcBytes(line, fallback), ":bob!b@h PRIVMSG #c :Grüße 😀");
    });

    it("decodes invalid UTF-8 with the fallback (latin1 is windows-1252)", () => {
      const line = bytes("PRIVMSG #c :Gr", 0xfc, 0xdf, "e ", 0x80, " ", 0xe9);
      assert.equal(decodeIrcBytes(line, "latin1"), "PRIVMSG #c :Grüße € é");
      assert.equal(decodeIrcBytes(line, "windows-1252"), "PRIVMSG #c :Grüße € é");
    });

    it("decodes all of windows-1252's 0x80-0x9F by the Encoding Standard, whatever Node's own decoder does", () => {
      const high = Array.from({ length: 32 }, (_, i) => 0x80 + i);
      const expected = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ";
      assert.equal(decodeIrcBytes(Uint8Array.from(high), "windows-1252"), expected);
      assert.equal(decodeIrcBytes(Uint8Array.from(high), "iso-8859-1"), expected);
      assert.equal(decodeIrcBytes(bytes("it", 0x92, "s ", 0x93, "ok", 0x94), "latin1"), "it’s “ok”");
    });

    it("decodes with iso-8859-15, where 0xA4 is the euro sign", () => {
      assert.equal(decodeIrcBytes(bytes("price ", 0xa4, "5"), "iso-8859-15"), "price €5");
      assert.equal(decodeIrcBytes(bytes("price ", 0xa4, "5"), "latin1"), "price ¤5");
    });

    it("decodes Cyrillic with koi8-r", () => {
      // "привет" in KOI8-R
      assert.equal(decodeIrcBytes(bytes("PRIVMSG #ru :", 0xd0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4), "koi8-r"), "PRIVMSG #ru :привет");
    });

    it("decides per line: one line UTF-8, the next the fallback", () => {
      const utf8Line = Buffer.from("café", "utf8");
      const latin1Line = Buffer.from("café", "latin1");
      assert.equal(decodeIrcBytes(utf8Line, "latin1"), "café");
      assert.equal(decodeIrcBytes(latin1Line, "latin1"), "café");
    });

    it("does not take overlong or truncated UTF-8 sequences as UTF-8", () => {
      assert.equal(decodeIrcBytes(bytes(0xc0, 0xaf), "latin1"), "À¯");
      assert.equal(decodeIrcBytes(bytes("a", 0xe2, 0x82), "latin1"), "aâ‚");
      assert.equal(decodeIrcBytes(bytes(0xed, 0xa0, 0x80), "latin1"), "í\u00a0€");
    });

    it("decodes with U+FFFD when the fallback is utf-8 itself", () => {
      assert.equal(decodeIrcBytes(bytes("a", 0xff, "b"), "utf-8"), "a\ufffdb");
    });

    it("decodes an empty line", () => {
      assert.equal(decodeIrcBytes(new Uint8Array(0), "latin1"), "");
    });

    it("refuses an unusable fallback with GW_ERR_CONFIG", () => {
      for (const label of ["klingon", "utf-16le", ""]) {
        assert.throws(() => decodeIrcBytes(bytes("x"), label), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_CONFIG", label);
      }
    });
  });

  describe("isValidUtf8", () => {
    it("tells valid UTF-8 from anything else", () => {
      assert.equal(isValidUtf8(Buffer.from("ok 😀", "utf8")), true);
      assert.equal(isValidUtf8(bytes(0xff)), false);
      assert.equal(isValidUtf8(bytes(0xf0, 0x9f, 0x98)), false);
    });
  });

  describe("isSupportedEncoding and canonicalEncoding", () => {
    it("accepts the usual fallbacks under any of their labels", () => {
      for (const label of ["latin1", "ISO-8859-1", "windows-1252", "cp1252", "iso-8859-15", "koi8-r", "KOI8-U", "windows-1251", "shift_jis", "gb18030", "big5", "euc-kr", "utf-8", " latin1 "]) {
        assert.equal(isSupportedEncoding(label), true, label);
      }
    });

    it("refuses unknown labels and encodings that do not keep ASCII", () => {
      for (const label of ["klingon", "", "utf-16le", "utf-16be", "utf-16", "iso-2022-kr", "replacement"]) assert.equal(isSupportedEncoding(label), false, label);
    });

    it("names the encoding a label stands for", () => {
      assert.equal(canonicalEncoding("latin1"), "windows-1252");
      assert.equal(canonicalEncoding("ISO-8859-15"), "iso-8859-15");
      assert.equal(canonicalEncoding("utf8"), "utf-8");
      assert.equal(canonicalEncoding("utf-16le"), undefined);
      assert.equal(canonicalEncoding("klingon"), undefined);
    });
  });
});
