/**
 * A MUC's lines are submitted in their order of arrival, also when one waits for the store (a reply to a line from
 * before a restart): the lines after it wait for it, in that MUC only, and with nothing waiting a line goes at once.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { AccountMucLines } from "../../../src/adapters/xmpp/account-muc-lines.js";
import { MucArrivalOrder } from "../../../src/adapters/xmpp/muc-arrival-order.js";
import { MucFeatures } from "../../../src/adapters/xmpp/muc-features.js";
import type { AdapterContext } from "../../../src/core/adapter.js";
import { createLogger } from "../../../src/core/logger.js";
import { makeAddress } from "../../../src/core/model/address.js";
import type { MucLines } from "../../../src/core/muc-line-log.js";

const MUC = "lounge@conference.example.org";

/** A promise resolved by hand: the store's slow answer. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

describe("MucArrivalOrder", () => {
  it("submits at once when nothing waits", () => {
    const submitted: string[] = [];
    new MucArrivalOrder().run(MUC, "a", (value) => void submitted.push(String(value)));
    assert.deepEqual(submitted, ["a"]);
  });

  it("keeps a MUC's later lines behind one waiting for a lookup, and other MUCs' lines not", async () => {
    const order = new MucArrivalOrder();
    const submitted: string[] = [];
    const lookup = deferred<string>();
    const done = deferred<void>();
    order.run(MUC, lookup.promise, (value) => void submitted.push(String(value)));
    order.run(MUC.toUpperCase(), "second", (value) => void submitted.push(String(value)));
    order.run("other@conference.example.org", "elsewhere", (value) => void submitted.push(String(value)));
    order.run(MUC, "third", (value) => {
      submitted.push(String(value));
      done.resolve();
    });
    assert.deepEqual(submitted, ["elsewhere"]);
    lookup.resolve("first");
    await done.promise;
    assert.deepEqual(submitted, ["elsewhere", "first", "second", "third"]);
    await new Promise((resolve) => setImmediate(resolve));
    order.run(MUC, "fourth", (value) => void submitted.push(String(value)));
    assert.equal(submitted.at(-1), "fourth", "at once again once nothing waits");
  });

  it("goes on after a failed lookup, with nothing found", async () => {
    const order = new MucArrivalOrder();
    const submitted: (string | undefined)[] = [];
    const done = deferred<void>();
    order.run(MUC, Promise.reject(new Error("store down")), (value) => void submitted.push(value));
    order.run(MUC, "next", (value) => {
      submitted.push(value);
      done.resolve();
    });
    await done.promise;
    assert.deepEqual(submitted, [undefined, "next"]);
  });

  it("goes on, with nothing found, after a lookup that never answers: the MUC's later lines are not held for good", async () => {
    const order = new MucArrivalOrder(20);
    const submitted: (string | undefined)[] = [];
    const done = deferred<void>();
    order.run(MUC, new Promise<string>(() => undefined), (value) => void submitted.push(value));
    order.run(MUC, "next", (value) => {
      submitted.push(value);
      done.resolve();
    });
    await done.promise;
    assert.deepEqual(submitted, [undefined, "next"]);
  });
});

describe("a linked account's MUC lines in order", () => {
  it("submits a line after the reply before it whose answered line the store is still looking up", async () => {
    const lookup = deferred<string | undefined>();
    const mucLines: MucLines = { keep: () => undefined, lineOf: async () => undefined, gatewayIdOf: () => lookup.promise };
    const bodies: string[] = [];
    const both = deferred<void>();
    const context = {
      account: "u.alice",
      log: createLogger("silent"),
      mucLines,
      submit: async (draft: { body: string }) => {
        bodies.push(draft.body);
        if (bodies.length === 2) both.resolve();
        return { id: `g${bodies.length}` };
      },
    } as unknown as AdapterContext;
    const lines = new AccountMucLines(context, async () => undefined, new MucFeatures(createLogger("silent"), () => Promise.reject(new Error("no disco#info"))));
    const room = makeAddress("xmpp", "u.alice", MUC);
    const line = (id: string, body: string, ...children: ReturnType<typeof xml>[]): ReturnType<typeof xml> =>
      xml("message", { from: `${MUC}/Juliet`, to: "alice@example.org/gw", type: "groupchat", id }, xml("body", {}, body), ...children);
    lines.heard(line("j1", "yes, that one", xml("reply", { xmlns: "urn:xmpp:reply:0", to: `${MUC}/Romeo`, id: "room-old" })), room, "Juliet", "Alice", makeAddress("xmpp", "u.alice", `${MUC}/Juliet`));
    lines.heard(line("j2", "and then"), room, "Juliet", "Alice", makeAddress("xmpp", "u.alice", `${MUC}/Juliet`));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(bodies, [], "the later line waits for the reply before it");
    lookup.resolve("g-old");
    await both.promise;
    assert.deepEqual(bodies, ["yes, that one", "and then"]);
  });
});
