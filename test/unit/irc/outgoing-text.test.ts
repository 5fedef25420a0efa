import assert from "node:assert/strict";
import { GatewayError } from "../../../src/core/errors.js";
import { ircLines, oneLineText, sendText, type TextConnection } from "../../../src/adapters/irc/outgoing-text.js";
import { ASSUMED_HOST_BYTES, ASSUMED_USER_BYTES } from "../../../src/adapters/irc/split-message.js";
import { flush } from "./fake-irc-connection.js";

/** A connection that records each line and keeps its `done` callback for the test to call. */
class TextFake implements TextConnection {
  readonly sent: { command: string; params: readonly string[]; done: ((error?: GatewayError) => void) | undefined }[] = [];
  readonly server: { lineLen: number };
  ownUser?: string;
  ownHost?: string;

  constructor(
    readonly nick = "alice[sb]",
    lineLen = 512,
  ) {
    this.server = { lineLen };
  }

  send(command: string, params: readonly string[], done?: (error?: GatewayError) => void): void {
    this.sent.push({ command, params, done });
  }

  /** Calls the `done` of line i (0-based). */
  finish(i: number, error?: GatewayError): void {
    const entry = this.sent[i];
    assert.ok(entry?.done, `line ${i} was sent with a done callback`);
    if (error === undefined) entry.done();
    else entry.done(error);
  }
}

/** The bytes of the line the server relays for this text: ":nick!user@host COMMAND target :text" CR LF. */
function relayedBytes(connection: TextConnection, command: string, target: string, text: string): number {
  const user = connection.ownUser ?? "u".repeat(ASSUMED_USER_BYTES);
  const host = connection.ownHost ?? "h".repeat(ASSUMED_HOST_BYTES);
  return Buffer.byteLength(`:${connection.nick}!${user}@${host} ${command} ${target} :${text}\r\n`, "utf8");
}

async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await flush();
  return settled;
}

describe("IRC outgoing text", () => {
  describe("oneLineText", () => {
    it("makes line breaks spaces, drops NUL, and cuts to the byte budget between characters", () => {
      assert.equal(oneLineText("line one\r\nline two\nthree\0"), "line one line two three");
      const cut = oneLineText("界".repeat(300)); // 900 bytes
      assert.equal(cut, "界".repeat(100), "300 bytes: whole characters only");
      assert.equal(oneLineText("héllo", 2), "h", "never half a character");
    });
  });

  describe("ircLines", () => {
    it("sends text as PRIVMSG and notices as NOTICE, one line per line of the body", () => {
      const connection = new TextFake();
      assert.deepEqual(ircLines(connection, "#dev", "hello\r\nworld", "text", { maxLines: 5 }).command, "PRIVMSG");
      assert.deepEqual(ircLines(connection, "#dev", "hello\r\nworld", "text", { maxLines: 5 }).lines, ["hello", "world"]);
      const notice = ircLines(connection, "bob", "hi\n\nthere", "notice", { maxLines: 5 });
      assert.equal(notice.command, "NOTICE");
      assert.deepEqual(notice.lines, ["hi", "there"], "empty lines are dropped");
    });

    it("wraps each line of an action in its own CTCP ACTION, as PRIVMSG", () => {
      const result = ircLines(new TextFake(), "#dev", "waves\nsmiles", "action", { maxLines: 5 });
      assert.equal(result.command, "PRIVMSG");
      assert.deepEqual(result.lines, ["\x01ACTION waves\x01", "\x01ACTION smiles\x01"]);
      assert.deepEqual(result.split.lines, ["waves", "smiles"]);
    });

    it("removes NUL and the CTCP delimiter from the text", () => {
      const connection = new TextFake();
      assert.deepEqual(ircLines(connection, "#dev", "a\u0000b\u0001c\u0001", "text", { maxLines: 5 }).lines, ["abc"]);
      assert.deepEqual(ircLines(connection, "#dev", "\u0001VERSION\u0001", "text", { maxLines: 5 }).lines, ["VERSION"]);
      assert.deepEqual(ircLines(connection, "#dev", "x\u0001ACTION y\u0001", "action", { maxLines: 5 }).lines, ["\x01ACTION xACTION y\x01"]);
      assert.deepEqual(ircLines(connection, "#dev", "\u0000\u0001", "text", { maxLines: 5 }).lines, [], "nothing is left to send");
    });

    it("puts the relay prefix before every line, also inside an action", () => {
      const connection = new TextFake("switchboard");
      assert.deepEqual(ircLines(connection, "#dev", "one\ntwo", "text", { maxLines: 5, prefix: "<bob> " }).lines, ["<bob> one", "<bob> two"]);
      assert.deepEqual(ircLines(connection, "#dev", "waves\nsmiles", "action", { maxLines: 5, prefix: "bob " }).lines, ["\x01ACTION bob waves\x01", "\x01ACTION bob smiles\x01"]);
    });

    it("removes control characters from the relay prefix (it comes from a sender's name)", () => {
      const connection = new TextFake("gw");
      assert.deepEqual(ircLines(connection, "#dev", "hi", "action", { maxLines: 5, prefix: "b\x01o\r\nb " }).lines, ["\x01ACTION bob hi\x01"]);
    });

    it("keeps every relayed line within 512 bytes with the prefix counted, using the budget to the byte", () => {
      const body = "x".repeat(2000);
      for (const kind of ["text", "notice", "action"] as const) {
        for (const prefix of [undefined, "<bob> ", "<zoë> "]) {
          const connection = new TextFake();
          const options = prefix === undefined ? { maxLines: 20 } : { maxLines: 20, prefix };
          const { command, lines } = ircLines(connection, "#dev", body, kind, options);
          const sizes = lines.map((line) => relayedBytes(connection, command, "#dev", line));
          for (const size of sizes) assert.ok(size <= 512, `${kind} ${prefix ?? ""}: ${size} bytes`);
          assert.equal(sizes[0], 512, `${kind} ${prefix ?? ""}: a full line uses the whole budget`);

          const unwrapped = lines.map((line) => (kind === "action" ? line.slice("\x01ACTION ".length, -1) : line));
          for (const line of unwrapped) assert.ok(line.startsWith(prefix ?? ""), "the prefix is on every line");
          assert.equal(unwrapped.map((line) => line.slice((prefix ?? "").length)).join(""), body, "the pieces give the body back");
        }
      }
    });

    it("uses our user and host as the server reported them, and the server's LINELEN", () => {
      const known = new TextFake("alice[sb]");
      known.ownUser = "~a";
      known.ownHost = "gw.example";
      const { lines } = ircLines(known, "#dev", "y".repeat(2000), "text", { maxLines: 20 });
      assert.equal(relayedBytes(known, "PRIVMSG", "#dev", lines[0] ?? ""), 512);
      assert.ok((lines[0] ?? "").length > 410, "a shorter user and host leave more room");

      const short = new TextFake("alice[sb]", 300);
      const cut = ircLines(short, "#dev", "z".repeat(2000), "text", { maxLines: 20, prefix: "<bob> " }).lines;
      for (const line of cut) assert.ok(relayedBytes(short, "PRIVMSG", "#dev", line) <= 300);
      assert.equal(relayedBytes(short, "PRIVMSG", "#dev", cut[0] ?? ""), 300);
    });

    it("sends at most maxLines lines, the last one ending with the marker, prefix included", () => {
      const result = ircLines(new TextFake(), "#dev", "l1\nl2\nl3\nl4\nl5", "text", { maxLines: 3, prefix: "<bob> " });
      assert.deepEqual(result.lines, ["<bob> l1", "<bob> l2", "<bob> l3…"]);
      assert.equal(result.split.truncated, true);
      assert.equal(result.split.droppedLines, 2);

      const action = ircLines(new TextFake(), "#dev", "a\nb\nc", "action", { maxLines: 2 });
      assert.deepEqual(action.lines, ["\x01ACTION a\x01", "\x01ACTION b…\x01"]);

      const fits = ircLines(new TextFake(), "#dev", "l1\nl2\nl3", "text", { maxLines: 3 });
      assert.deepEqual(fits.lines, ["l1", "l2", "l3"]);
      assert.equal(fits.split.truncated, false);
    });
  });

  describe("sendText", () => {
    it("sends each line in order to the target and resolves only once every line is written", async () => {
      const connection = new TextFake();
      const sending = sendText(connection, "bob", "one\ntwo\nthree", "notice", { maxLines: 5 });
      assert.deepEqual(
        connection.sent.map(({ command, params }) => [command, ...params]),
        [
          ["NOTICE", "bob", "one"],
          ["NOTICE", "bob", "two"],
          ["NOTICE", "bob", "three"],
        ],
      );
      connection.finish(2);
      connection.finish(0);
      assert.equal(await isSettled(sending), false, "line two is not written yet");
      connection.finish(1);
      const split = await sending;
      assert.deepEqual(split.lines, ["one", "two", "three"]);
      assert.equal(split.truncated, false);
    });

    it("rejects with the error of a line that could not be written", async () => {
      const connection = new TextFake();
      const sending = sendText(connection, "#dev", "one\ntwo", "text", { maxLines: 5 });
      const lost = new GatewayError("GW_ERR_UNAVAILABLE", "the IRC connection closed", { retryable: true });
      connection.finish(0);
      connection.finish(1, lost);
      await assert.rejects(sending, (error: unknown) => error === lost);
    });

    it("rejects when the connection refuses a line outright", async () => {
      const refusing: TextConnection = {
        nick: "alice[sb]",
        server: { lineLen: 512 },
        send: () => {
          throw new GatewayError("GW_ERR_RATE_LIMITED", "too many lines wait");
        },
      };
      await assert.rejects(sendText(refusing, "#dev", "hi", "text", { maxLines: 5 }), { code: "GW_ERR_RATE_LIMITED" });
    });

    it("resolves at once for a body with nothing to send", async () => {
      const connection = new TextFake();
      const split = await sendText(connection, "#dev", "\r\n\n", "text", { maxLines: 5 });
      assert.deepEqual(split.lines, []);
      assert.deepEqual(connection.sent, []);
    });
  });
});
