import assert from "node:assert/strict";
import { GatewayError } from "../../../src/core/errors.js";
import {
  ACTION_OVERHEAD_BYTES,
  CTCP_QUERIES,
  ctcpReply,
  decodeAction,
  encodeAction,
  encodeCtcp,
  parseCtcp,
} from "../../../src/adapters/irc/ctcp.js";

const INFO = { version: "Switchboard 0.1.0", now: Date.UTC(2025, 0, 2, 3, 4, 5) };

describe("CTCP (modern.ircdocs.horse/ctcp)", () => {
  describe("parseCtcp", () => {
    it("reads text that does not start with \\x01 as plain text", () => {
      assert.deepEqual(parseCtcp("hello"), { kind: "text", text: "hello" });
      assert.deepEqual(parseCtcp(""), { kind: "text", text: "" });
      assert.deepEqual(parseCtcp("say \x01ACTION x\x01"), { kind: "text", text: "say \x01ACTION x\x01" });
    });

    it("reads an ACTION, with or without the final \\x01", () => {
      assert.deepEqual(parseCtcp("\x01ACTION waves\x01"), { kind: "action", text: "waves" });
      assert.deepEqual(parseCtcp("\x01ACTION waves at you"), { kind: "action", text: "waves at you" });
    });

    it("keeps the action text as it is: spaces, formatting, colons", () => {
      assert.deepEqual(parseCtcp("\x01ACTION  two spaces \x01"), { kind: "action", text: " two spaces " });
      assert.deepEqual(parseCtcp("\x01ACTION \x02bold\x02: yes\x01"), { kind: "action", text: "\x02bold\x02: yes" });
    });

    it("reads an empty ACTION as an action with no text", () => {
      assert.deepEqual(parseCtcp("\x01ACTION\x01"), { kind: "action", text: "" });
      assert.deepEqual(parseCtcp("\x01ACTION \x01"), { kind: "action", text: "" });
      assert.deepEqual(parseCtcp("\x01ACTION"), { kind: "action", text: "" });
    });

    it("ignores what follows the closing \\x01", () => {
      assert.deepEqual(parseCtcp("\x01ACTION waves\x01 trailing"), { kind: "action", text: "waves" });
    });

    it("matches commands case-insensitively and reports them in upper case", () => {
      assert.deepEqual(parseCtcp("\x01action waves\x01"), { kind: "action", text: "waves" });
      assert.deepEqual(parseCtcp("\x01version\x01"), { kind: "query", command: "VERSION", args: "" });
    });

    it("recognises VERSION, PING, TIME and CLIENTINFO as queries", () => {
      assert.deepEqual(parseCtcp("\x01VERSION\x01"), { kind: "query", command: "VERSION", args: "" });
      assert.deepEqual(parseCtcp("\x01PING 1700000000 123\x01"), { kind: "query", command: "PING", args: "1700000000 123" });
      assert.deepEqual(parseCtcp("\x01TIME"), { kind: "query", command: "TIME", args: "" });
      assert.deepEqual(parseCtcp("\x01CLIENTINFO\x01"), { kind: "query", command: "CLIENTINFO", args: "" });
    });

    it("reports any other CTCP as other, so that it can be dropped", () => {
      assert.deepEqual(parseCtcp("\x01DCC SEND file 3232235777 5000 1024\x01"), { kind: "other", command: "DCC", args: "SEND file 3232235777 5000 1024" });
      assert.deepEqual(parseCtcp("\x01FINGER\x01"), { kind: "other", command: "FINGER", args: "" });
      assert.deepEqual(parseCtcp("\x01\x01"), { kind: "other", command: "", args: "" });
      assert.deepEqual(parseCtcp("\x01"), { kind: "other", command: "", args: "" });
    });
  });

  describe("decodeAction", () => {
    it("gives the text of an action and undefined for anything else", () => {
      assert.equal(decodeAction("\x01ACTION dances\x01"), "dances");
      assert.equal(decodeAction("\x01ACTION dances"), "dances");
      assert.equal(decodeAction("dances"), undefined);
      assert.equal(decodeAction("\x01VERSION\x01"), undefined);
    });
  });

  describe("encoding", () => {
    it("encodes an action, always ACTION_OVERHEAD_BYTES longer than its text", () => {
      assert.equal(encodeAction("waves"), "\x01ACTION waves\x01");
      assert.equal(encodeAction(""), "\x01ACTION \x01");
      for (const text of ["", "waves", "日本語 😀"]) {
        assert.equal(Buffer.byteLength(encodeAction(text)) - Buffer.byteLength(text), ACTION_OVERHEAD_BYTES);
      }
    });

    it("removes \\x01 from an action's text, so it cannot end the CTCP early", () => {
      assert.equal(encodeAction("a\x01VERSION\x01b"), "\x01ACTION aVERSIONb\x01");
    });

    it("round-trips an action's text", () => {
      for (const text of ["waves", " spaced ", "\x02bold\x02", "ACTION", "a:b"]) assert.equal(decodeAction(encodeAction(text)), text);
    });

    it("encodes any CTCP message, with or without arguments", () => {
      assert.equal(encodeCtcp("VERSION"), "\x01VERSION\x01");
      assert.equal(encodeCtcp("ping", "123"), "\x01PING 123\x01");
      assert.equal(encodeCtcp("PING", "1\x012"), "\x01PING 12\x01");
    });

    it("refuses a command that is not letters", () => {
      for (const command of ["", "PING PONG", "V3RSION", "\x01"]) {
        assert.throws(() => encodeCtcp(command), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_INTERNAL", JSON.stringify(command));
      }
    });
  });

  describe("ctcpReply", () => {
    it("answers VERSION with the configured version", () => {
      assert.equal(ctcpReply("VERSION", "", INFO), "\x01VERSION Switchboard 0.1.0\x01");
    });

    it("answers PING with its own argument", () => {
      assert.equal(ctcpReply("PING", "1700000000 42", INFO), "\x01PING 1700000000 42\x01");
      assert.equal(ctcpReply("PING", "", INFO), "\x01PING\x01");
    });

    it("answers TIME with the given time in UTC", () => {
      assert.equal(ctcpReply("TIME", "", INFO), "\x01TIME Thu, 02 Jan 2025 03:04:05 GMT\x01");
    });

    it("answers CLIENTINFO with ACTION and every query it answers", () => {
      assert.equal(ctcpReply("CLIENTINFO", "", INFO), "\x01CLIENTINFO ACTION CLIENTINFO PING TIME VERSION\x01");
      assert.deepEqual([...CTCP_QUERIES], ["CLIENTINFO", "PING", "TIME", "VERSION"]);
    });

    it("answers every recognised query with a reply of the same command", () => {
      for (const command of CTCP_QUERIES) {
        const reply = parseCtcp(ctcpReply(command, "x", INFO));
        assert.equal(reply.kind, "query");
        assert.equal(reply.kind === "query" ? reply.command : undefined, command);
      }
    });
  });
});
