import assert from "node:assert/strict";
import { GatewayError } from "../../../src/core/errors.js";
import { MAX_STATUS_LENGTH, SHOWS } from "../../../src/core/model/presence.js";
import { AWAY_WORDS, presenceFromIrc, presenceToIrc } from "../../../src/adapters/irc/presence-map.js";

describe("IRC presence mapping (RFC 2812 section 4.1 AWAY, IRCv3 away-notify and MONITOR)", () => {
  describe("presenceToIrc", () => {
    it("sets online and chat as back (AWAY without a parameter)", () => {
      assert.deepEqual(presenceToIrc({ show: "online", status: "" }), { kind: "back" });
      assert.deepEqual(presenceToIrc({ show: "chat", status: "free for chat" }), { kind: "back" });
    });

    it("sends away, xa and dnd as AWAY with the status text", () => {
      for (const show of ["away", "xa", "dnd"] as const) assert.deepEqual(presenceToIrc({ show, status: "at lunch" }), { kind: "away", message: "at lunch" });
    });

    it("uses a word for the show when there is no status text", () => {
      assert.deepEqual(presenceToIrc({ show: "away", status: "" }), { kind: "away", message: "Away" });
      assert.deepEqual(presenceToIrc({ show: "xa", status: "   " }), { kind: "away", message: "Extended away" });
      assert.deepEqual(presenceToIrc({ show: "dnd", status: "\r\n" }), { kind: "away", message: "Do not disturb" });
      assert.deepEqual(AWAY_WORDS, { away: "Away", xa: "Extended away", dnd: "Do not disturb" });
    });

    it("turns line breaks into spaces and removes NUL, so the text cannot inject a command", () => {
      assert.deepEqual(presenceToIrc({ show: "away", status: "gone\r\nJOIN #evil" }), { kind: "away", message: "gone JOIN #evil" });
      assert.deepEqual(presenceToIrc({ show: "away", status: "  a\nb\u0000c  " }), { kind: "away", message: "a bc" });
    });

    it("cuts the text to AWAYLEN bytes between characters, and trims what is left", () => {
      assert.deepEqual(presenceToIrc({ show: "away", status: "abcdefghij" }, { awayLen: 4 }), { kind: "away", message: "abcd" });
      assert.deepEqual(presenceToIrc({ show: "away", status: "ab€cd" }, { awayLen: 4 }), { kind: "away", message: "ab" });
      assert.deepEqual(presenceToIrc({ show: "away", status: "ab cd" }, { awayLen: 3 }), { kind: "away", message: "ab" });
      assert.deepEqual(presenceToIrc({ show: "away", status: "😀😀" }, { awayLen: 7 }), { kind: "away", message: "😀" });
      assert.deepEqual(presenceToIrc({ show: "xa", status: "" }, { awayLen: 8 }), { kind: "away", message: "Extended" });
    });

    it("never sends an empty away message, which would mean back", () => {
      assert.deepEqual(presenceToIrc({ show: "away", status: "€uro" }, { awayLen: 2 }), { kind: "away", message: "Aw" });
      assert.deepEqual(presenceToIrc({ show: "dnd", status: " x" }, { awayLen: 1 }), { kind: "away", message: "x" });
      for (let awayLen = 1; awayLen < 20; awayLen++) {
        const action = presenceToIrc({ show: "away", status: "日本語のテキスト" }, { awayLen });
        assert.ok(action.kind === "away" && action.message.length > 0 && Buffer.byteLength(action.message) <= awayLen, `AWAYLEN ${awayLen}`);
      }
    });

    it("refuses an AWAYLEN that is not a positive integer", () => {
      assert.throws(() => presenceToIrc({ show: "away", status: "x" }, { awayLen: 0 }), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_INTERNAL");
    });

    it("makes offline a quit, with the status as the reason", () => {
      assert.deepEqual(presenceToIrc({ show: "offline", status: "" }), { kind: "quit", reason: "" });
      assert.deepEqual(presenceToIrc({ show: "offline", status: "bye\nall" }), { kind: "quit", reason: "bye all" });
    });
  });

  describe("presenceFromIrc", () => {
    it("reads an away user as away with the message as status, formatting removed", () => {
      assert.deepEqual(presenceFromIrc({ kind: "away", message: "at lunch" }), { show: "away", status: "at lunch" });
      assert.deepEqual(presenceFromIrc({ kind: "away", message: " \x02\x0304brb\x0F\t5 min " }), { show: "away", status: "brb 5 min" });
      assert.deepEqual(presenceFromIrc({ kind: "away", message: "" }), { show: "away", status: "" });
    });

    it("reads a user who is not away as online and a gone user as offline", () => {
      assert.deepEqual(presenceFromIrc({ kind: "here" }), { show: "online", status: "" });
      assert.deepEqual(presenceFromIrc({ kind: "offline" }), { show: "offline", status: "" });
    });

    it("cuts a very long away message to the core's status length, never inside a surrogate pair", () => {
      const status = presenceFromIrc({ kind: "away", message: `${"x".repeat(MAX_STATUS_LENGTH - 1)}😀tail` }).status;
      assert.equal(status, "x".repeat(MAX_STATUS_LENGTH - 1));
    });
  });

  describe("round trip", () => {
    it("keeps away, online and offline, and loses xa, dnd and chat as documented", () => {
      const expected = { online: "online", chat: "online", away: "away", xa: "away", dnd: "away", offline: "offline" } as const;
      for (const show of SHOWS) {
        const action = presenceToIrc({ show, status: "" });
        const back = presenceFromIrc(action.kind === "away" ? { kind: "away", message: action.message } : action.kind === "back" ? { kind: "here" } : { kind: "offline" });
        assert.equal(back.show, expected[show], show);
      }
    });

    it("keeps the status text of away, xa and dnd, or brings back the word for the show", () => {
      assert.equal(presenceFromIrc({ kind: "away", message: "in a meeting" }).status, "in a meeting");
      const action = presenceToIrc({ show: "dnd", status: "" });
      assert.equal(action.kind === "away" ? presenceFromIrc({ kind: "away", message: action.message }).status : undefined, "Do not disturb");
    });
  });
});
