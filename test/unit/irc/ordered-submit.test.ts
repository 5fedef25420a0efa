import assert from "node:assert/strict";
import { GatewayError } from "../../../src/core/errors.js";
import type { SubmitOptions } from "../../../src/core/adapter.js";
import type { Message, MessageDraft } from "../../../src/core/model/message.js";
import { ircAddress, nativeRoom } from "../../../src/adapters/irc/irc-addresses.js";
import { OrderedSubmitter } from "../../../src/adapters/irc/ordered-submit.js";
import { flush } from "./fake-irc-connection.js";

function draft(body: string): MessageDraft {
  return { origin: { protocol: "irc", account: "libera" }, scope: "room", kind: "text", from: ircAddress("libera", "bob"), to: nativeRoom("dev"), senderName: "bob", body };
}

function accepted(submitted: MessageDraft, id: string): Message {
  return { ...submitted, id, timestamp: 1, hops: [] };
}

/** A gateway submit whose calls the test answers one by one. */
class Gateway {
  readonly calls: { draft: MessageDraft; options: SubmitOptions | undefined; resolve: (message: Message) => void; reject: (error: unknown) => void }[] = [];

  readonly submit = (submitted: MessageDraft, options?: SubmitOptions): Promise<Message> =>
    new Promise((resolve, reject) => this.calls.push({ draft: submitted, options, resolve, reject }));

  get started(): string[] {
    return this.calls.map((call) => call.draft.body);
  }

  call(i: number): Gateway["calls"][number] {
    const entry = this.calls[i];
    assert.ok(entry, `submit ${i} started`);
    return entry;
  }

  ordered(i: number): void {
    const onOrdered = this.call(i).options?.onOrdered;
    assert.ok(onOrdered, `submit ${i} has onOrdered`);
    onOrdered();
  }
}

describe("IRC ordered submits", () => {
  it("starts each submit only once the one before has its place in the gateway's order", async () => {
    const gateway = new Gateway();
    const submitter = new OrderedSubmitter(gateway.submit);
    const results = [submitter.offer(draft("one")), submitter.offer(draft("two")), submitter.offer(draft("three"))];
    await flush();
    assert.deepEqual(gateway.started, ["one"]);

    gateway.ordered(0);
    await flush();
    assert.deepEqual(gateway.started, ["one", "two"], "two starts while one is still in flight");

    gateway.ordered(1);
    await flush();
    assert.deepEqual(gateway.started, ["one", "two", "three"]);

    // results come back to each caller, whatever order the gateway finishes in
    gateway.call(2).resolve(accepted(gateway.call(2).draft, "m3"));
    gateway.call(0).resolve(accepted(gateway.call(0).draft, "m1"));
    gateway.call(1).resolve(accepted(gateway.call(1).draft, "m2"));
    const messages = await Promise.all(results);
    assert.deepEqual(
      messages.map((message) => [message.id, message.body]),
      [
        ["m1", "one"],
        ["m2", "two"],
        ["m3", "three"],
      ],
    );
  });

  it("does not start the next submit before onOrdered, however long the first takes", async () => {
    const gateway = new Gateway();
    const submitter = new OrderedSubmitter(gateway.submit);
    const first = submitter.offer(draft("one"));
    void submitter.offer(draft("two")).catch(() => undefined);
    for (let i = 0; i < 5; i++) await flush();
    assert.deepEqual(gateway.started, ["one"]);
    gateway.call(0).resolve(accepted(gateway.call(0).draft, "m1"));
    assert.equal((await first).id, "m1");
    await flush();
    assert.deepEqual(gateway.started, ["one", "two"], "a submit that finished without onOrdered frees the next");
  });

  it("passes a refusal to its caller only, and the next submit still starts", async () => {
    const gateway = new Gateway();
    const submitter = new OrderedSubmitter(gateway.submit);
    const first = submitter.offer(draft("one"));
    const second = submitter.offer(draft("two"));
    await flush();
    const refusal = new GatewayError("GW_ERR_FORBIDDEN", "not allowed");
    gateway.call(0).reject(refusal);
    await assert.rejects(first, (error: unknown) => error === refusal);
    await flush();
    assert.deepEqual(gateway.started, ["one", "two"]);
    gateway.call(1).resolve(accepted(gateway.call(1).draft, "m2"));
    assert.equal((await second).id, "m2");
  });

  it("frees the next submit when one throws instead of returning a promise", async () => {
    const bodies: string[] = [];
    const submitter = new OrderedSubmitter((submitted) => {
      bodies.push(submitted.body);
      if (submitted.body === "one") throw new GatewayError("GW_ERR_BAD_FRAME", "broken");
      return Promise.resolve(accepted(submitted, "m2"));
    });
    const first = submitter.offer(draft("one"));
    const second = submitter.offer(draft("two"));
    await assert.rejects(first, { code: "GW_ERR_BAD_FRAME" });
    assert.equal((await second).id, "m2");
    assert.deepEqual(bodies, ["one", "two"]);
  });

  it("starts a submit at once when nothing is in flight", async () => {
    const gateway = new Gateway();
    const submitter = new OrderedSubmitter(gateway.submit);
    const first = submitter.offer(draft("one"));
    await flush();
    gateway.ordered(0);
    gateway.call(0).resolve(accepted(gateway.call(0).draft, "m1"));
    await first;
    void submitter.offer(draft("two"));
    await flush();
    assert.deepEqual(gateway.started, ["one", "two"]);
    gateway.ordered(1);
    gateway.ordered(1); // a second call is harmless
    gateway.call(1).resolve(accepted(gateway.call(1).draft, "m2"));
  });
});
