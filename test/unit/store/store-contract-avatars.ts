/**
 * The store contract for avatars (core/avatars.ts): one per native user, replaced whole, refused for an account that
 * is missing or being deleted. Called by describeStoreContract inside its describe block, with that block's store.
 */
import assert from "node:assert/strict";
import type { Store } from "../../../src/store/store.js";
import { account, alice, bob } from "./store-fixtures.js";

const T = 1_800_000_000_000;

export function describeAvatarContract(store: () => Store): void {
  describe("avatars", () => {
    it("keeps one avatar per user, replaced whole, and forgets it on removal", async () => {
      await store().accounts.create(account("alice"));
      await store().avatars.put({ owner: alice, type: "image/png", data: Buffer.from([1, 2]), hash: "a".repeat(40), setAt: T });
      await store().avatars.put({ owner: alice, type: "image/gif", data: Buffer.from([3]), hash: "b".repeat(40), setAt: T + 1 });
      assert.deepEqual(await store().avatars.get(alice), { owner: alice, type: "image/gif", data: Buffer.from([3]), hash: "b".repeat(40), setAt: T + 1 });
      assert.deepEqual(await store().avatars.refs(), [{ owner: alice, type: "image/gif", hash: "b".repeat(40) }]);
      assert.equal(await store().avatars.remove(alice), true);
      assert.equal(await store().avatars.remove(alice), false);
      assert.equal(await store().avatars.get(alice), undefined);
    });

    it("refuses the avatar of a user with no account, or one being deleted", async () => {
      await assert.rejects(store().avatars.put({ owner: bob, type: "image/png", data: Buffer.from([1]), hash: "a".repeat(40), setAt: T }), { code: "GW_ERR_NOT_FOUND" });
      await store().accounts.create(account("alice"));
      await store().accountRemovals.begin("alice", T);
      await assert.rejects(store().avatars.put({ owner: alice, type: "image/png", data: Buffer.from([1]), hash: "a".repeat(40), setAt: T }), { code: "GW_ERR_NOT_FOUND" });
    });
  });
}
