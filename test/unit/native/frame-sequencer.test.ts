import assert from "node:assert/strict";
import { FrameSequencer, type Release } from "../../../src/adapters/native/frame-sequencer.js";
import { within } from "../../helpers/within.js";

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe("FrameSequencer", () => {
  it("starts a frame's work only after the previous frame finished", async () => {
    const answers: string[] = [];
    const sequencer = new FrameSequencer<string>((answer) => answers.push(answer));
    const first = deferred<string>();
    const started: string[] = [];
    sequencer.run(async () => {
      started.push("first");
      return first.promise;
    });
    sequencer.run(async () => {
      started.push("second");
      return "b";
    });
    await settle();
    assert.deepEqual(started, ["first"]);
    first.resolve("a");
    await within(sequencer.idle(), "both answers");
    assert.deepEqual(started, ["first", "second"]);
    assert.deepEqual(answers, ["a", "b"]);
  });

  it("lets the next frame start once the previous one releases, and still answers in frame order", async () => {
    const answers: string[] = [];
    const sequencer = new FrameSequencer<string>((answer) => answers.push(answer));
    const stored = deferred<string>();
    sequencer.run(async (release: Release) => {
      release();
      return stored.promise;
    });
    sequencer.run(async () => "refused at once");
    await settle();
    assert.deepEqual(answers, [], "the quick answer waits for the earlier one");
    assert.equal(sequencer.inFlight, 2);
    stored.resolve("stored");
    await within(sequencer.idle(), "both answers");
    assert.deepEqual(answers, ["stored", "refused at once"]);
  });

  it("sends no answer for work that returns none, and keeps going", async () => {
    const answers: string[] = [];
    const sequencer = new FrameSequencer<string>((answer) => answers.push(answer));
    sequencer.run(async () => undefined);
    sequencer.run(async () => "after");
    await within(sequencer.idle(), "the answers");
    assert.deepEqual(answers, ["after"]);
  });
});
