import assert from "node:assert/strict";
import { TypedEmitter } from "../../../src/adapters/irc/typed-emitter.js";

interface Events {
  ping: { n: number };
  pong: string;
}

describe("TypedEmitter", () => {
  it("calls every listener, in order, even after one throws, and reports the error", () => {
    const errors: Array<[string, unknown]> = [];
    const emitter = new TypedEmitter<Events>((event, error) => errors.push([String(event), error]));
    const heard: number[] = [];
    emitter.on("ping", ({ n }) => heard.push(n));
    emitter.on("ping", () => {
      throw new Error("broken");
    });
    emitter.on("ping", ({ n }) => heard.push(n * 10));
    emitter.emit("ping", { n: 2 });
    assert.deepEqual(heard, [2, 20]);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.[0], "ping");
  });

  it("removes listeners with off() and removeAll(), and emits events held as values", () => {
    const emitter = new TypedEmitter<Events>(() => undefined);
    const heard: string[] = [];
    const listener = (text: string): void => void heard.push(text);
    emitter.on("pong", listener);
    emitter.emitEvent({ name: "pong", payload: "a" });
    emitter.off("pong", listener);
    emitter.emit("pong", "b");
    emitter.on("pong", listener);
    emitter.removeAll();
    emitter.emit("pong", "c");
    assert.deepEqual(heard, ["a"]);
    assert.equal(emitter.listenerCount("pong"), 0);
  });

  it("survives an error reporter that throws", () => {
    const emitter = new TypedEmitter<Events>(() => {
      throw new Error("broken logger");
    });
    emitter.on("pong", () => {
      throw new Error("broken listener");
    });
    assert.doesNotThrow(() => emitter.emit("pong", "x"));
  });
});
