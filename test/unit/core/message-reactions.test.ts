/**
 * The check of a reaction at acceptance (core/message-reactions.ts): the reacted message must be of the conversation,
 * and what the set adds is what the sender never gave that message before (what IRC is told as a line).
 */
import assert from "node:assert/strict";
import { checkedReaction } from "../../../src/core/message-reactions.js";
import { checkCorrection, type Lookup } from "../../../src/core/message-references.js";
import { checkedReply } from "../../../src/core/message-replies.js";
import type { Logger } from "../../../src/core/logger.js";
import type { Message, MessageDraft } from "../../../src/core/model/message.js";

const alice = { protocol: "native" as const, account: "default", id: "alice" };
const bob = { protocol: "native" as const, account: "default", id: "bob" };
const carol = { protocol: "native" as const, account: "default", id: "carol" };

function logged(id: string, from: typeof alice, to: typeof alice, fields: Partial<Message> = {}): Message {
  return { id, origin: { protocol: from.protocol, account: from.account }, hops: [], scope: "direct", kind: "text", from, to, senderName: from.id, body: "who brings the cake?", timestamp: 0, ...fields };
}

function reaction(id: string, reactions: readonly string[]): Message {
  return logged(id, bob, alice, { body: "", reactsTo: { id: "0001", to: alice }, reactions });
}

const messages = new Map<string, Message>([
  ["0001", logged("0001", alice, bob)],
  ["0002", logged("0002", alice, carol)],
  ["0003", logged("0003", alice, bob, { retracted: true, body: "" })],
  // bob reacted 👍 to 0001, took it back, and gave 👍 again: toggling.
  ["0004", reaction("0004", ["👍"])],
  ["0005", reaction("0005", [])],
]);
const deps = {
  log: { info: () => undefined } as unknown as Logger,
  history: {
    get: (id: string) => Promise.resolve(messages.get(id)),
    history: (_conversation: unknown, options: { after?: string; limit: number }) =>
      Promise.resolve([...messages.values()].filter((message) => options.after === undefined || message.id > options.after).slice(0, options.limit)),
  },
} as unknown as Lookup & { log: Logger };

function draft(from: typeof alice, to: typeof alice, reactsTo: string, reactions: readonly string[]): MessageDraft {
  return { origin: { protocol: from.protocol, account: from.account }, scope: "direct", kind: "text", from, to, senderName: from.id, body: "", reactsTo: { id: reactsTo }, reactions };
}

describe("reactions at acceptance", () => {
  it("refuses a reaction to a message of another conversation, an unknown one, a retracted one or a reaction", async () => {
    for (const id of ["0002", "zzzz", "0003", "0004"]) {
      await assert.rejects(checkedReaction(deps, draft(bob, alice, id, ["👍"])), { code: "GW_ERR_NOT_FOUND" }, id);
    }
  });

  it("adds only what the sender never gave the message before: 👍 toggled off and on again is not said again", async () => {
    const again = await checkedReaction(deps, draft(bob, alice, "0001", ["👍"]));
    assert.deepEqual(again.reactsTo?.added, []);
    assert.deepEqual(again.reactions, ["👍"]);
    const more = await checkedReaction(deps, draft(bob, alice, "0001", ["👍", "🎉"]));
    assert.deepEqual(more.reactsTo?.added, ["🎉"]);
  });

  it("adds the whole set of a sender who never reacted to the message", async () => {
    const first = await checkedReaction(deps, draft(alice, bob, "0001", ["👍", "🎉"]));
    assert.deepEqual(first.reactsTo?.added, ["👍", "🎉"]);
    assert.equal(first.body, "");
  });

  it("is no message to correct or answer: its sender cannot turn it into a line of text, nobody quotes its empty words", async () => {
    const correction: MessageDraft = { ...draft(bob, alice, "0001", []), body: "now words", replaces: "0004" };
    const { reactsTo: _r, reactions: _s, ...text } = correction;
    await assert.rejects(checkCorrection(deps, text), { code: "GW_ERR_NOT_FOUND" });
    const { reactsTo: _t, reactions: _u, ...plain } = draft(alice, bob, "0001", []);
    await assert.rejects(checkedReply(deps, { ...plain, body: "what?", replyTo: { id: "0004" } }), { code: "GW_ERR_NOT_FOUND" });
  });
});
