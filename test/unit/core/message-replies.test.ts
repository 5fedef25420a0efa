/** The check of a reply at acceptance (core/message-replies.ts): the answered message must be of the conversation. */
import assert from "node:assert/strict";
import { checkedReply } from "../../../src/core/message-replies.js";
import { idBoundAt } from "../../../src/core/message-id.js";
import type { Lookup } from "../../../src/core/message-references.js";
import type { Message, MessageDraft } from "../../../src/core/model/message.js";
import { openSqliteStore } from "../../../src/store/sqlite/open-sqlite-store.js";

const alice = { protocol: "native" as const, account: "default", id: "alice" };
const bob = { protocol: "native" as const, account: "default", id: "bob" };
const carol = { protocol: "native" as const, account: "default", id: "carol" };
const juliet = { protocol: "xmpp" as const, account: "component", id: "juliet@example.org" };

function logged(id: string, from: typeof alice | typeof juliet, to: typeof alice, fields: Partial<Message> = {}): Message {
  return { id, origin: { protocol: from.protocol, account: from.account, id: `c-${id}` }, hops: [], scope: "direct", kind: "text", from, to, senderName: from.id, body: "line one\nline two", timestamp: 0, ...fields };
}

const messages = new Map<string, Message>([
  ["0001", logged("0001", alice, bob)],
  ["0002", logged("0002", alice, carol)],
  ["0003", logged("0003", alice, bob, { retracted: true, body: "" })],
  ["0004", logged("0004", alice, bob, { body: "my pasword is hunter2" })],
  ["0005", logged("0005", alice, bob, { body: "see you at ten", replaces: "0004" })],
  ["0006", logged("0006", bob, alice, { body: "not hers", replaces: "0004" })],
]);
const deps = {
  history: {
    get: (id: string) => Promise.resolve(messages.get(id)),
    history: (_conversation: unknown, options: { after?: string; limit: number }) =>
      Promise.resolve([...messages.values()].filter((message) => options.after === undefined || message.id > options.after).slice(0, options.limit)),
  },
} as unknown as Lookup;

function draft(from: typeof alice | typeof juliet, to: typeof alice, replyTo: string): MessageDraft {
  return { origin: { protocol: from.protocol, account: from.account }, scope: "direct", kind: "text", from, to, senderName: from.id, body: "answer", replyTo: { id: replyTo } };
}

describe("replies at acceptance", () => {
  it("names the answered message's sender, name, first line and network id", async () => {
    const checked = await checkedReply(deps, draft(bob, alice, "0001"));
    assert.deepEqual(checked.replyTo, { id: "0001", to: alice, senderName: "alice", excerpt: "line one", originId: "c-0001" });
  });

  it("refuses a native client a message of another conversation, an unknown one or a retracted one", async () => {
    for (const id of ["0002", "zzzz", "0003"]) {
      await assert.rejects(checkedReply(deps, draft(bob, alice, id)), { code: "GW_ERR_NOT_FOUND" }, id);
    }
  });

  it("keeps another network's reply to a message it may not name as a plain message", async () => {
    const checked = await checkedReply(deps, draft(juliet, alice, "0002"));
    assert.equal(checked.replyTo, undefined);
    assert.equal(checked.body, "answer");
  });

  it("quotes the answered message as its sender last corrected it, not the words she took back", async () => {
    for (const id of ["0004", "0005"]) {
      const checked = await checkedReply(deps, draft(bob, alice, id));
      assert.equal(checked.replyTo?.excerpt, "see you at ten", id);
    }
  });

  it("refuses a line of a room destroyed before one of the same name was made (a line kept for its delivery, or in memory)", async () => {
    const lobby = { protocol: "native" as const, account: "default", id: "#lobby" };
    const madeAt = 1_700_000_000_000;
    const before = `${idBoundAt(madeAt - 1000)}00000`;
    const after = `${idBoundAt(madeAt + 1000)}00000`;
    const lines = new Map<string, Message>([before, after].map((id) => [id, logged(id, alice, lobby, { scope: "room", body: `said in ${id}` })]));
    const roomDeps = {
      history: { get: (id: string) => Promise.resolve(lines.get(id)), history: () => Promise.resolve([]) },
      rooms: { exists: () => Promise.resolve(true), get: () => Promise.resolve({ address: lobby, name: "lobby", subject: "", createdBy: bob, createdAt: madeAt }) },
    } as unknown as Lookup;
    const inRoom = (id: string): MessageDraft => ({ ...draft(bob, lobby, id), scope: "room" });
    assert.equal((await checkedReply(roomDeps, inRoom(after))).replyTo?.excerpt, `said in ${after}`);
    await assert.rejects(checkedReply(roomDeps, inRoom(before)), { code: "GW_ERR_NOT_FOUND" });
  });

  it("finds the last correction in the log of the conversation, both ways of a chat", async () => {
    const store = openSqliteStore(":memory:");
    try {
      await store.accept([...messages.values()].map((message) => ({ message, recipients: [] })));
      const logged = { history: store.log } as unknown as Lookup;
      assert.equal((await checkedReply(logged, draft(bob, alice, "0004"))).replyTo?.excerpt, "see you at ten");
    } finally {
      await store.close();
    }
  });
});
