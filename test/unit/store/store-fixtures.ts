/** Fixtures shared by the store contract suite: a few addresses, and builders of records and messages. */
import assert from "node:assert/strict";
import { parseAddress, type Address } from "../../../src/core/model/address.js";
import type { Contact } from "../../../src/core/model/contact.js";
import type { Message } from "../../../src/core/model/message.js";
import type { AccountRecord, RoomRecord, Store } from "../../../src/store/store.js";

export const alice = parseAddress("native:alice");
export const bob = parseAddress("native:bob");
export const carol = parseAddress("xmpp://example/carol@example.org");
export const lobby = parseAddress("native:%23lobby");
export const ops = parseAddress("irc://libera/%23ops");

export function account(name: string, createdAt = 1_700_000_000_000): AccountRecord {
  return { name, passwordHash: `scrypt$hash-of-${name}`, displayName: name.toUpperCase(), createdAt };
}

export function contact(owner: Address, address: Address, overrides: Partial<Contact> = {}): Contact {
  return { owner, address, name: address.id, subscription: "both", pendingOut: false, pendingIn: false, ...overrides };
}

export function room(address: Address, overrides: Partial<RoomRecord> = {}): RoomRecord {
  return { address, name: address.id, subject: "", createdBy: alice, createdAt: 1_700_000_000_000, ...overrides };
}

/** A message whose id orders it: ids are zero-padded so that string order is acceptance order. */
export function message(n: number, from: Address, to: Address, scope: Message["scope"] = "direct"): Message {
  return {
    id: `m${String(n).padStart(6, "0")}`,
    origin: { protocol: from.protocol, account: from.account },
    hops: [],
    scope,
    kind: "text",
    from,
    to,
    senderName: from.id,
    body: `message ${n}`,
    timestamp: 1_700_000_000_000 + n * 1000,
  };
}

export type StoreFactory = () => Promise<Store> | Store;

/** Runs `body` with a fresh store from `makeStore`, closing it even when the test fails. */
export function useStore(makeStore: StoreFactory): () => Store {
  let store: Store | undefined;
  beforeEach(async () => {
    store = await makeStore();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  return () => {
    assert.ok(store, "the store is opened in beforeEach");
    return store;
  };
}
