import assert from "node:assert/strict";
import { FORMATTING_CODES, stripFormatting } from "../../../src/adapters/irc/formatting.js";

describe("IRC formatting (modern.ircdocs.horse/formatting)", () => {
  it("removes each one-character formatting code", () => {
    assert.equal(stripFormatting("\x02bold\x02 \x1Ditalic\x1D \x1Funder\x1F \x1Estrike\x1E \x11mono\x11 \x16rev\x16 end\x0F."), "bold italic under strike mono rev end.");
  });

  it("names the formatting characters of the spec", () => {
    assert.deepEqual(FORMATTING_CODES, {
      bold: "\x02",
      italics: "\x1D",
      underline: "\x1F",
      strikethrough: "\x1E",
      monospace: "\x11",
      reverse: "\x16",
      reset: "\x0F",
      colour: "\x03",
      hexColour: "\x04",
    });
  });

  describe("colour codes (\\x03)", () => {
    it("removes a one- or two-digit foreground", () => {
      assert.equal(stripFormatting("\x034red\x03 plain"), "red plain");
      assert.equal(stripFormatting("\x0304red"), "red");
      assert.equal(stripFormatting("\x0312blue"), "blue");
    });

    it("removes a foreground with a background", () => {
      assert.equal(stripFormatting("\x031,2text"), "text");
      assert.equal(stripFormatting("\x0304,12text"), "text");
      assert.equal(stripFormatting("\x0399,99default"), "default");
    });

    it("takes at most two digits, so a third digit is text", () => {
      assert.equal(stripFormatting("\x03123 apples"), "3 apples");
      assert.equal(stripFormatting("\x0312,345 apples"), "5 apples");
      assert.equal(stripFormatting("\x03004"), "4");
    });

    it("keeps a comma that no digit follows", () => {
      assert.equal(stripFormatting("\x031,text"), ",text");
      assert.equal(stripFormatting("\x0312, and so on"), ", and so on");
    });

    it("does not read a background without a foreground: \\x03,5 leaves ',5'", () => {
      assert.equal(stripFormatting("\x03,5text"), ",5text");
      assert.equal(stripFormatting("\x03,text"), ",text");
    });

    it("removes a bare \\x03 (colour reset) and keeps digits after another code", () => {
      assert.equal(stripFormatting("a\x03b"), "ab");
      assert.equal(stripFormatting("\x03\x0212 monkeys"), "12 monkeys");
      assert.equal(stripFormatting("score: \x03 10"), "score:  10");
      assert.equal(stripFormatting("end\x03"), "end");
    });

    it("keeps digits that are text after a full colour code", () => {
      assert.equal(stripFormatting("\x0301,0299 red balloons"), "99 red balloons");
      assert.equal(stripFormatting("\x034,5,6"), ",6");
    });

    it("keeps non-ASCII digits, which are never colour numbers", () => {
      assert.equal(stripFormatting("\x03٣text"), "٣text");
      assert.equal(stripFormatting("\x03１text"), "１text");
    });
  });

  describe("hex colour codes (\\x04)", () => {
    it("removes RRGGBB and RRGGBB,RRGGBB", () => {
      assert.equal(stripFormatting("\x04FF0000red"), "red");
      assert.equal(stripFormatting("\x04ff0000,00FF00text"), "text");
    });

    it("keeps fewer than six hex digits as text", () => {
      assert.equal(stripFormatting("\x04ABC text"), "ABC text");
      assert.equal(stripFormatting("\x04FF00"), "FF00");
    });

    it("keeps a comma not followed by six hex digits", () => {
      assert.equal(stripFormatting("\x04FF0000,00FFtext"), ",00FFtext");
      assert.equal(stripFormatting("\x04123456,"), ",");
    });

    it("takes six digits only, so a seventh is text", () => {
      assert.equal(stripFormatting("\x041234567"), "7");
    });

    it("removes a bare \\x04", () => {
      assert.equal(stripFormatting("a\x04b"), "ab");
      assert.equal(stripFormatting("\x04GGGGGG"), "GGGGGG");
    });
  });

  describe("other control characters", () => {
    it("turns a tab into a space", () => {
      assert.equal(stripFormatting("a\tb\t\tc"), "a b  c");
    });

    it("removes every other C0 control, DEL and C1 control", () => {
      let controls = "";
      for (let code = 0; code < 0x20; code++) if (code !== 0x09) controls += String.fromCharCode(code);
      controls += "\x7F";
      for (let code = 0x80; code < 0xa0; code++) controls += String.fromCharCode(code);
      assert.equal(stripFormatting(`a${controls}b`), "ab");
    });

    it("removes CTCP delimiters and the legacy reverse \\x12", () => {
      assert.equal(stripFormatting("\x01ACTION waves\x01"), "ACTION waves");
      assert.equal(stripFormatting("\x12rev\x12"), "rev");
    });

    it("leaves ordinary text, Unicode and its format characters alone", () => {
      const text = "Héllo, 世界! 👩‍💻 e\u0301 \u00A0 ~[]{}|\\ 100% (1,2)";
      assert.equal(stripFormatting(text), text);
    });

    it("leaves no control byte however codes are mixed", () => {
      const mixed = "\x02\x0304,05\x1D\x0399\x04AABBCC,DDEEFF\x16\x0F\x03,\x04,\x1F\x1E\x11\x00\x07\x1B[31m text";
      const out = stripFormatting(mixed);
      assert.equal(out, ",,[31m text");
      // eslint-disable-next-line no-control-regex
      assert.equal(/[\u0000-\u001F\u007F-\u009F]/.test(out), false);
    });
  });
});
