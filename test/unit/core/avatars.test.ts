/** Avatars (core/avatars.ts) and their lookup (ContactInfoService.avatar): kept, announced on a change only, asked with contact.info's checks. */
import assert from "node:assert/strict";
import type { Adapter } from "../../../src/core/adapter.js";
import { Avatars } from "../../../src/core/avatars.js";
import { ContactInfoService, PER_MINUTE } from "../../../src/core/contact-info.js";
import { createLogger } from "../../../src/core/logger.js";
import { addressKey, makeAddress, type Address } from "../../../src/core/model/address.js";
import type { AvatarRef } from "../../../src/core/model/avatar.js";
import type { AvatarRecord, AvatarStore } from "../../../src/store/store.js";

const alice = makeAddress("native", "default", "alice");
const bob = makeAddress("native", "default", "bob");
const juliet = makeAddress("xmpp", "gw", "juliet@example.org");
const PNG = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(8)]);
const GIF = Buffer.from("GIF89a\u0001\u0000", "latin1");

function memoryStore(): AvatarStore {
  const rows = new Map<string, AvatarRecord>();
  return {
    put: async (record) => void rows.set(addressKey(record.owner), record),
    get: async (owner) => rows.get(addressKey(owner)),
    remove: async (owner) => rows.delete(addressKey(owner)),
    refs: async () => [...rows.values()].map(({ owner, type, hash }) => ({ owner, type, hash })),
  };
}

function avatars(store = memoryStore()): { service: Avatars; told: Array<[string, AvatarRef | undefined]> } {
  const told: Array<[string, AvatarRef | undefined]> = [];
  const service = new Avatars({ store, log: createLogger("silent"), announce: async (owner, avatar) => void told.push([owner.id, avatar]) });
  return { service, told };
}

describe("Avatars", () => {
  it("keeps a picture, announces it, and announces again only when it changed", async () => {
    const { service, told } = avatars();
    const ref = await service.set(alice, "image/png", PNG.toString("base64"));
    assert.equal(service.refOf(alice), ref);
    assert.deepEqual((await service.get(alice))?.data, PNG);
    await service.set(alice, "image/png", PNG.toString("base64"));
    const gif = await service.set(alice, "image/gif", GIF.toString("base64"));
    assert.deepEqual(told, [["alice", ref], ["alice", gif]]);
  });

  it("announces a clear only when there was an avatar, and forgets a deleted account's", async () => {
    const { service, told } = avatars();
    await service.clear(alice);
    assert.deepEqual(told, []);
    await service.set(alice, "image/png", PNG.toString("base64"));
    await service.clear(alice);
    assert.deepEqual(told.at(-1), ["alice", undefined]);
    assert.equal(await service.get(alice), undefined);
    await service.set(bob, "image/png", PNG.toString("base64"));
    service.forget(bob);
    assert.equal(service.refOf(bob), undefined);
  });

  it("reads every kept avatar's type and hash at load, and keeps nothing of a refused picture", async () => {
    const store = memoryStore();
    await avatars(store).service.set(alice, "image/png", PNG.toString("base64"));
    const { service } = avatars(store);
    assert.equal(service.refOf(alice), undefined);
    await service.load();
    assert.equal(service.refOf(alice)?.type, "image/png");
    await assert.rejects(service.set(bob, "image/gif", PNG.toString("base64")), { code: "GW_ERR_BAD_FRAME" });
    assert.equal(await service.get(bob), undefined);
  });
});

describe("ContactInfoService.avatar", () => {
  function lookups(): { service: ContactInfoService; asked: Address[] } {
    const asked: Address[] = [];
    const network = { contactInfo: async () => ({}), avatar: async (subject: Address) => (asked.push(subject), undefined) } as unknown as Adapter;
    const registry = { for: () => network, isOnDemand: () => false, isRoomOnDemand: () => false, obtain: async () => network };
    return { service: new ContactInfoService({ registry, checkOwnership: () => undefined }), asked };
  }

  it("counts an XMPP user's avatar in the asker's limit of lookups, and a native user's not", async () => {
    const { service, asked } = lookups();
    for (let i = 0; i < PER_MINUTE * 2; i++) await service.avatar(alice, bob);
    for (let i = 0; i < PER_MINUTE; i++) await service.avatar(alice, juliet);
    await assert.rejects(service.avatar(alice, juliet), { code: "GW_ERR_RATE_LIMITED" });
    assert.equal(asked.length, PER_MINUTE * 3);
  });
});
