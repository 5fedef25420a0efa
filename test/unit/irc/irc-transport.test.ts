import assert from "node:assert/strict";
import { IrcLineDecoder } from "../../../src/adapters/irc/irc-transport.js";

function bytes(...parts: (string | number[])[]): Buffer {
  return Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part, "utf8") : Buffer.from(part))));
}

describe("IrcLineDecoder", () => {
  it("splits on LF, removes the CR, skips empty lines and keeps an unfinished line for later", () => {
    const decoder = new IrcLineDecoder("windows-1252");
    assert.deepEqual(decoder.push(bytes("PING :a\r\n\r\nPING :b\nPRIVMSG #c :par")), ["PING :a", "PING :b"]);
    assert.deepEqual(decoder.push(bytes("tial\r")), []);
    assert.deepEqual(decoder.push(bytes("\n")), ["PRIVMSG #c :partial"]);
  });

  it("decodes each line on its own: UTF-8 when valid, else the fallback", () => {
    const decoder = new IrcLineDecoder("windows-1252");
    assert.deepEqual(decoder.push(bytes("PRIVMSG #c :caf", [0xe9], " 5", [0x80], "\r\nPRIVMSG #c :café 👋\r\n")), ["PRIVMSG #c :café 5€", "PRIVMSG #c :café 👋"]);
  });

  it("keeps a UTF-8 character split across two reads whole", () => {
    const decoder = new IrcLineDecoder("windows-1252");
    const line = Buffer.from("PRIVMSG #c :👋\r\n", "utf8");
    assert.deepEqual(decoder.push(line.subarray(0, 14)), []);
    assert.deepEqual(decoder.push(line.subarray(14)), ["PRIVMSG #c :👋"]);
  });

  it("drops a line longer than the bound, complete or unfinished, to its LF, and reads the lines around it", () => {
    const dropped: number[] = [];
    const decoder = new IrcLineDecoder("utf-8", 64, (bytes) => dropped.push(bytes));
    const long = "x".repeat(70);
    assert.deepEqual(decoder.push(bytes(`line 1\r\n${long}\r\nline 2\r\n`)), ["line 1", "line 2"], "a complete long line between two others");
    assert.deepEqual(dropped, [70]);
    assert.deepEqual(decoder.push(bytes("line 3\r\n", "y".repeat(60))), ["line 3"]);
    assert.deepEqual(decoder.push(bytes("y".repeat(10))), [], "cut once it is over the bound");
    assert.deepEqual(dropped, [70, 70]);
    assert.deepEqual(decoder.push(bytes("y".repeat(100))), [], "the rest of it, thrown away");
    assert.deepEqual(decoder.push(bytes("yyy\r\nline 4\r\n")), ["line 4"], "read again after its LF");
    assert.deepEqual(dropped, [70, 70], "one report per line");
  });

  it("takes a line of exactly the bound whose CR and LF come in two reads", () => {
    const dropped: number[] = [];
    const decoder = new IrcLineDecoder("utf-8", 64, (bytes) => dropped.push(bytes));
    assert.deepEqual(decoder.push(bytes("z".repeat(64), "\r")), []);
    assert.deepEqual(decoder.push(bytes("\n")), ["z".repeat(64)]);
    assert.deepEqual(dropped, []);
  });
});
