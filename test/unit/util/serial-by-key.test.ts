import assert from "node:assert/strict";
import { SerialByKey } from "../../../src/util/serial-by-key.js";

/** A promise with its resolve and reject, to let work finish when the test says so. */
function gate(): { readonly promise: Promise<void>; readonly open: () => void; readonly fail: (error: Error) => void } {
  let open = (): void => undefined;
  let fail = (_error: Error): void => undefined;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe("SerialByKey", () => {
  it("runs the work of one key one at a time, in order, and other keys' beside it", async () => {
    const serial = new SerialByKey();
    const started: string[] = [];
    const first = gate();
    const a1 = serial.run("a", async () => {
      started.push("a1");
      await first.promise;
      return 1;
    });
    const a2 = serial.run("a", async () => {
      started.push("a2");
      return 2;
    });
    const b1 = serial.run("b", async () => {
      started.push("b1");
      return 3;
    });
    assert.equal(await b1, 3);
    assert.deepEqual(started, ["a1", "b1"], "a2 waits for a1; b1 does not");
    first.open();
    assert.deepEqual([await a1, await a2], [1, 2]);
    assert.deepEqual(started, ["a1", "b1", "a2"]);
    assert.equal(serial.busyKeys, 0, "nothing kept once done");
  });

  it("gives a failure to its own caller only: the key's next work runs", async () => {
    const serial = new SerialByKey();
    const first = gate();
    const failing = serial.run("a", () => first.promise);
    const next = serial.run("a", async () => "ran");
    first.fail(new Error("boom"));
    await assert.rejects(failing, /boom/);
    assert.equal(await next, "ran");
    assert.equal(serial.busyKeys, 0);
  });
});
