/**
 * Where `switchboard user add|passwd` takes the password from: SWITCHBOARD_PASSWORD, else a terminal (asked twice,
 * echo off through raw mode, both must match), else the first line of standard input. The terminal is a stand-in
 * stream with isTTY and setRawMode, fed keystrokes as a terminal in raw mode sends them.
 */
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { readNewPassword, type PasswordInput } from "../../../src/cli/read-password.js";

/** A terminal in a test: what is typed is written to it; rawModes records each setRawMode. */
class FakeTerminal extends PassThrough {
  readonly isTTY = true;
  readonly rawModes: boolean[] = [];
  setRawMode(raw: boolean): this {
    this.rawModes.push(raw);
    return this;
  }
}

function output(): PassThrough & { text(): string } {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (chunk: Buffer) => (text += chunk.toString()));
  return Object.assign(stream, { text: () => text });
}

function pipe(text: string | undefined): PasswordInput {
  const stream = new PassThrough();
  if (text !== undefined) stream.end(text);
  return stream;
}

describe("reading the password of switchboard user add|passwd (cli/read-password.ts)", () => {
  it("takes SWITCHBOARD_PASSWORD when it is set, not reading standard input", async () => {
    const input = pipe("from stdin\n");
    assert.equal(await readNewPassword({ env: { SWITCHBOARD_PASSWORD: "from the environment" }, input, prompts: output() }, "Password: "), "from the environment");
    assert.equal(input.readableLength > 0, true);
  });

  it("takes the first line of a pipe without its line ending, or all of it without one; nothing at all is refused", async () => {
    const read = (text: string | undefined): Promise<string> => readNewPassword({ env: {}, input: pipe(text), prompts: output() }, "Password: ");
    assert.equal(await read("first line\nsecond line\n"), "first line");
    assert.equal(await read("windows line\r\nmore\r\n"), "windows line");
    assert.equal(await read("no line ending"), "no line ending");
    assert.equal(await read("\n"), "");
    await assert.rejects(read(""), /no password: set SWITCHBOARD_PASSWORD or write it on standard input/);
  });

  it("asks a terminal twice with echo off, taking back characters on Backspace and the line on Ctrl-U", async () => {
    const terminal = new FakeTerminal();
    const prompts = output();
    const reading = readNewPassword({ env: {}, input: terminal, prompts }, "New password for alice: ");
    terminal.write("wrong");
    terminal.write("\u0015secrex\u007ft");
    terminal.write(" words\r");
    terminal.write("secret words\r");
    assert.equal(await reading, "secret words");
    assert.deepEqual(terminal.rawModes, [true, false]);
    // Only the prompts are written: nothing typed is echoed.
    assert.equal(prompts.text(), "New password for alice: \nAgain: \n");
  });

  it("refuses two different passwords, and gives up on Ctrl-C, Ctrl-D or the end of input, leaving raw mode", async () => {
    const attempt = async (...keys: string[]): Promise<unknown> => {
      const terminal = new FakeTerminal();
      const reading = readNewPassword({ env: {}, input: terminal, prompts: output() }, "Password: ");
      for (const key of keys) terminal.write(key);
      if (keys.length === 0) terminal.end();
      const outcome = await reading.then(
        (password) => password,
        (error: Error) => error.message,
      );
      assert.deepEqual(terminal.rawModes, [true, false]);
      return outcome;
    };
    assert.equal(await attempt("one password\r", "another one\r"), "the passwords typed do not match");
    assert.equal(await attempt("one password\r\n", "one password\r\n"), "one password");
    assert.equal(await attempt("half\u0003"), "cancelled");
    assert.equal(await attempt("half\u0004"), "no password typed");
    assert.equal(await attempt(), "no password typed");
  });
});
