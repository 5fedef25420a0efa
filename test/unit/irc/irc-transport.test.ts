import assert from "node:assert/strict";
import { GatewayError } from "../../../src/core/errors.js";
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

  it("refuses an unfinished line longer than the bound", () => {
    const decoder = new IrcLineDecoder("utf-8", 64);
    assert.deepEqual(decoder.push(Buffer.alloc(60, 0x61)), []);
    assert.throws(() => decoder.push(Buffer.alloc(10, 0x61)), (error: unknown) => error instanceof GatewayError && error.condition === "line-too-long");
  });
});
