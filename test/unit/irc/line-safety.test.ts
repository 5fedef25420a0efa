import assert from "node:assert/strict";
import { GatewayError, type ErrorCode } from "../../../src/core/errors.js";
import {
  IRC_MAX_PARAMS,
  UNSAFE_LINE_CONDITION,
  assertLineSafe,
  findUnsafeChar,
  isLineSafe,
  serializeLine,
  stripLineBreaks,
  type LineField,
} from "../../../src/adapters/irc/line-safety.js";

const INJECTION = "hi\r\nJOIN #evil";

function assertRefused(work: () => unknown, code: ErrorCode, what: string): void {
  assert.throws(
    work,
    (error: unknown) => error instanceof GatewayError && error.code === code && error.condition === UNSAFE_LINE_CONDITION && !error.retryable,
    `${what} should be refused with ${code}`,
  );
}

describe("IRC line safety (RFC 2812 section 2.3.1)", () => {
  describe("findUnsafeChar and isLineSafe", () => {
    it("finds the first CR, LF or NUL", () => {
      assert.equal(findUnsafeChar("hello"), -1);
      assert.equal(findUnsafeChar(INJECTION), 2);
      assert.equal(findUnsafeChar("ab\ncd"), 2);
      assert.equal(findUnsafeChar("abc\u0000"), 3);
      assert.equal(findUnsafeChar("\r"), 0);
    });

    it("lets every other character through, control codes and Unicode included", () => {
      assert.equal(isLineSafe("\x02bold\x02 \x0304red \x01ACTION x\x01 \t é 😀 \u2028 \u0085"), true);
      assert.equal(isLineSafe(""), true);
      assert.equal(isLineSafe("a\u000bb"), true);
    });
  });

  describe("assertLineSafe", () => {
    it("accepts a field without CR, LF or NUL", () => {
      assert.doesNotThrow(() => assertLineSafe("body", "hello: world"));
    });

    it("refuses the injection in every field, naming the field", () => {
      const fields: LineField[] = ["body", "topic", "away", "realname", "key", "reason", "param", "command"];
      for (const field of fields) {
        assertRefused(() => assertLineSafe(field, INJECTION), "GW_ERR_DELIVERY_FAILED", field);
        assert.throws(() => assertLineSafe(field, INJECTION), new RegExp(`^GatewayError: IRC ${field} refused: it contains a carriage return \\(CR\\) at position 2`));
      }
    });

    it("refuses an address field with GW_ERR_BAD_ADDRESS", () => {
      for (const field of ["nick", "user", "channel", "target"] as const) assertRefused(() => assertLineSafe(field, INJECTION), "GW_ERR_BAD_ADDRESS", field);
    });

    it("refuses a lone LF, a lone CR and a NUL, each by name", () => {
      assert.throws(() => assertLineSafe("body", "a\nb"), /a line feed \(LF\) at position 1/);
      assert.throws(() => assertLineSafe("body", "ab\rc"), /a carriage return \(CR\) at position 2/);
      assert.throws(() => assertLineSafe("nick", "bob\u0000"), /a NUL byte at position 3/);
    });
  });

  describe("stripLineBreaks", () => {
    it("turns each line break into one space and removes NUL", () => {
      assert.equal(stripLineBreaks(INJECTION), "hi JOIN #evil");
      assert.equal(stripLineBreaks("a\rb\nc\r\nd"), "a b c d");
      assert.equal(stripLineBreaks("a\n\nb"), "a  b");
      assert.equal(stripLineBreaks("a\n\rb"), "a  b");
      assert.equal(stripLineBreaks("n\u0000u\u0000l"), "nul");
      assert.equal(stripLineBreaks("plain"), "plain");
    });

    it("leaves nothing that would end a line", () => {
      assert.equal(isLineSafe(stripLineBreaks("\r\n\u0000x\r\r\n\n\u0000")), true);
    });
  });

  describe("serializeLine", () => {
    it("builds a command with middle parameters and a plain last one", () => {
      assert.equal(serializeLine("JOIN", ["#chan"]), "JOIN #chan");
      assert.equal(serializeLine("JOIN", ["#chan", "key"]), "JOIN #chan key");
      assert.equal(serializeLine("NICK", ["alice[sb]"]), "NICK alice[sb]");
      assert.equal(serializeLine("QUIT"), "QUIT");
      assert.equal(serializeLine("001", ["me", "Welcome"]), "001 me Welcome");
    });

    it("prefixes the last parameter with ':' when it is empty, holds a space or starts with ':'", () => {
      assert.equal(serializeLine("PRIVMSG", ["#chan", "hello world"]), "PRIVMSG #chan :hello world");
      assert.equal(serializeLine("PRIVMSG", ["#chan", ":-)"]), "PRIVMSG #chan ::-)");
      assert.equal(serializeLine("TOPIC", ["#chan", ""]), "TOPIC #chan :");
      assert.equal(serializeLine("AWAY", [" "]), "AWAY : ");
      assert.equal(serializeLine("PRIVMSG", ["#chan", "a:b"]), "PRIVMSG #chan a:b");
    });

    it("keeps a ':' inside a middle parameter, which the grammar allows", () => {
      assert.equal(serializeLine("MODE", ["#chan", "+k", "pass:word", "x y"]), "MODE #chan +k pass:word :x y");
    });

    it("refuses the injection in every parameter position", () => {
      for (let position = 0; position < 3; position++) {
        const params = ["#chan", "key", "last text"];
        params[position] = INJECTION;
        assertRefused(() => serializeLine("PRIVMSG", params), "GW_ERR_DELIVERY_FAILED", `parameter ${position + 1}`);
        assert.throws(() => serializeLine("PRIVMSG", params), new RegExp(`parameter ${position + 1} of PRIVMSG contains a carriage return`));
      }
      assertRefused(() => serializeLine("PRIVMSG", [INJECTION]), "GW_ERR_DELIVERY_FAILED", "the only parameter");
    });

    it("refuses LF, CR and NUL alone in the last parameter", () => {
      for (const text of ["a\nJOIN #evil", "a\rJOIN #evil", "a\u0000b"]) assertRefused(() => serializeLine("PRIVMSG", ["#chan", text]), "GW_ERR_DELIVERY_FAILED", JSON.stringify(text));
    });

    it("refuses the injection in the command", () => {
      assertRefused(() => serializeLine(INJECTION, []), "GW_ERR_DELIVERY_FAILED", "the command");
    });

    it("refuses a command that is neither letters nor three digits", () => {
      for (const command of ["", "PRIV MSG", "JOIN#", "12", "1234", ":JOIN"]) assertRefused(() => serializeLine(command, ["x"]), "GW_ERR_DELIVERY_FAILED", JSON.stringify(command));
    });

    it("refuses a middle parameter that is empty, holds a space or starts with ':'", () => {
      assert.throws(() => serializeLine("PRIVMSG", ["", "text"]), /parameter 1 of PRIVMSG is empty/);
      assert.throws(() => serializeLine("PRIVMSG", ["#a b", "text"]), /parameter 1 of PRIVMSG \("#a b"\) contains a space/);
      assert.throws(() => serializeLine("PRIVMSG", [":#chan", "text"]), /parameter 1 of PRIVMSG \(":#chan"\) starts with ":"/);
      assert.throws(() => serializeLine("KICK", ["#c", "bob extra", "why"]), /parameter 2 of KICK/);
      assertRefused(() => serializeLine("PRIVMSG", ["#a b", "text"]), "GW_ERR_DELIVERY_FAILED", "a space in a middle parameter");
    });

    it("refuses more than 15 parameters", () => {
      const params = Array.from({ length: IRC_MAX_PARAMS }, (_, i) => `p${i}`);
      assert.equal(serializeLine("CMD", params).split(" ").length, 16);
      assertRefused(() => serializeLine("CMD", [...params, "x"]), "GW_ERR_DELIVERY_FAILED", "16 parameters");
    });

    it("never builds a line that holds CR, LF or NUL", () => {
      const samples = ["x", "", " ", ":", "a b", "\r", "\n", "\u0000", "a\r\nb", "::"];
      for (const a of samples) {
        for (const b of samples) {
          try {
            assert.equal(isLineSafe(serializeLine("PRIVMSG", [a, b])), true);
          } catch (error: unknown) {
            assert.ok(error instanceof GatewayError, `${JSON.stringify([a, b])} threw something other than a GatewayError`);
          }
        }
      }
    });
  });
});
