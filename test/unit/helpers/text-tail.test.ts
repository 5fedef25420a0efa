/** The bounded output a test server keeps for failure messages (test/helpers/text-tail.ts). */
import assert from "node:assert/strict";
import { TextTail } from "../../helpers/text-tail.js";

describe("TextTail: the end of a server's output", () => {
  it("keeps everything up to its limit", () => {
    const tail = new TextTail(10);
    tail.append("abc");
    tail.append("defg");
    assert.equal(tail.toString(), "abcdefg");
    assert.equal(tail.written, 7);
  });

  it("keeps only the last `limit` characters of a flood, saying how many went", () => {
    const tail = new TextTail(10);
    for (let i = 0; i < 1000; i++) tail.append("Write error\n");
    assert.equal(tail.written, 12_000);
    assert.equal(tail.toString(), "[11990 earlier characters dropped]\nite error\n");
    assert.equal(tail.since(0), "ite error\n", "what was dropped is not given");
  });

  it("gives what came after an offset, as far as it is kept", () => {
    const tail = new TextTail(10);
    tail.append("old output");
    const start = tail.written;
    tail.append("new");
    assert.equal(tail.since(start), "new");
    tail.append("er output");
    assert.equal(tail.since(start), "ewer output".slice(-10));
  });
});
