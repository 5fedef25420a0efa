import assert from "node:assert/strict";
import { memoizeStrings } from "../../../src/util/string-memo.js";

describe("memoizeStrings", () => {
  it("computes a text once per scope and gives back the same result after", () => {
    const calls: string[] = [];
    const parse = memoizeStrings((text, scope) => {
      calls.push(`${scope}:${text}`);
      return { text, scope };
    });
    const first = parse("alice@example.org", "a");
    assert.equal(parse("alice@example.org", "a"), first);
    assert.notEqual(parse("alice@example.org", "b"), first);
    assert.deepEqual(calls, ["a:alice@example.org", "b:alice@example.org"]);
  });

  it("does not remember a failure: a bad text throws every time", () => {
    let calls = 0;
    const parse = memoizeStrings((text) => {
      calls++;
      if (text === "bad") throw new Error("bad text");
      return text;
    });
    assert.throws(() => parse("bad"), /bad text/);
    assert.throws(() => parse("bad"), /bad text/);
    assert.equal(calls, 2);
  });

  it("keeps at most its capacity of results, so a flood of distinct texts does not grow it", () => {
    let calls = 0;
    const parse = memoizeStrings((text) => {
      calls++;
      return text.length;
    }, 3);
    for (const text of ["a", "bb", "ccc"]) parse(text);
    parse("a");
    assert.equal(calls, 3, "remembered while under capacity");
    parse("dddd"); // full: forgets the others
    parse("a");
    assert.equal(calls, 5);
  });
});
