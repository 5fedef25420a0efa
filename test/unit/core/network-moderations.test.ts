/** A room's moderation told by the room's own network (MessageDraft.moderate.by, core/message-references.ts). */
import assert from "node:assert/strict";
import { checkRetraction, type Lookup } from "../../../src/core/message-references.js";
import { parseAddress } from "../../../src/core/model/address.js";
import type { Message, MessageDraft } from "../../../src/core/model/message.js";

const room = parseAddress("xmpp://u.alice/lobby@conference.example.org");
const bob = parseAddress("xmpp://u.alice/lobby@conference.example.org%2FBob");
const mod = parseAddress("xmpp://u.alice/lobby@conference.example.org%2FMod");
const line: Message = { id: "00line", origin: { protocol: "xmpp", account: "u.alice" }, hops: [], scope: "room", kind: "text", from: bob, to: room, senderName: "Bob", body: "spam", timestamp: 1 };
const deps = {
  history: { get: async (id: string) => (id === line.id ? line : undefined) },
  moderator: async () => {
    throw new Error("the gateway's own rights are not asked");
  },
} as unknown as Lookup;

function moderation(origin: MessageDraft["origin"]): MessageDraft {
  return { origin, scope: "room", kind: "text", from: mod, to: room, senderName: "Mod", body: "", retracts: line.id, moderate: { by: "Mod", reason: "spam" } };
}

describe("a moderation told by the room's network", () => {
  it("is taken from the adapter of the room's own network, with its moderator and reason", async () => {
    assert.deepEqual((await checkRetraction(deps, moderation({ protocol: "xmpp", account: "u.alice" }))).moderated, { by: "Mod", reason: "spam" });
  });

  it("is refused from a native client or another network's adapter", async () => {
    await assert.rejects(checkRetraction(deps, moderation({ protocol: "native", account: "default" })), { code: "GW_ERR_FORBIDDEN" });
    await assert.rejects(checkRetraction(deps, moderation({ protocol: "xmpp", account: "default" })), { code: "GW_ERR_FORBIDDEN" });
  });
});
