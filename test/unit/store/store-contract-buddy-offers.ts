/**
 * The store contract for buddy offers (core/buddy-offers.ts): one record per (viewer, contact), replaced by a
 * later state, removed one by one or all of a viewer's at once. Called by describeStoreContract inside its
 * describe block, with that block's store.
 */
import assert from "node:assert/strict";
import { parseAddress } from "../../../src/core/model/address.js";
import type { Store } from "../../../src/store/store.js";
import { alice, bob, carol } from "./store-fixtures.js";

const juliet = parseAddress("xmpp:juliet@example.org");
const nick = parseAddress("irc://libera/alicenick");

export function describeBuddyOfferContract(store: () => Store): void {
  describe("buddy offers", () => {
    it("records an offer per viewer and contact, listed by contact, a later state replacing the earlier", async () => {
      await store().buddyOffers.put({ viewer: juliet, contact: bob, state: "offered" });
      await store().buddyOffers.put({ viewer: juliet, contact: alice, state: "offered" });
      await store().buddyOffers.put({ viewer: nick, contact: bob, state: "offered" });
      await store().buddyOffers.put({ viewer: juliet, contact: bob, state: "refused" });
      assert.deepEqual(await store().buddyOffers.listFor(juliet), [
        { viewer: juliet, contact: alice, state: "offered" },
        { viewer: juliet, contact: bob, state: "refused" },
      ]);
      assert.deepEqual(await store().buddyOffers.listFor(carol), []);
      assert.deepEqual(await store().buddyOffers.get(juliet, bob), { viewer: juliet, contact: bob, state: "refused" });
      assert.equal(await store().buddyOffers.get(juliet, carol), undefined);
      assert.equal(await store().buddyOffers.get(carol, bob), undefined);
    });

    it("removes one offer, or all of a viewer's, and says what it removed", async () => {
      await store().buddyOffers.put({ viewer: juliet, contact: bob, state: "approved" });
      await store().buddyOffers.put({ viewer: juliet, contact: alice, state: "offered" });
      await store().buddyOffers.put({ viewer: nick, contact: bob, state: "offered" });
      assert.equal(await store().buddyOffers.remove(juliet, bob), true);
      assert.equal(await store().buddyOffers.remove(juliet, bob), false);
      await store().buddyOffers.put({ viewer: juliet, contact: carol, state: "offered" });
      assert.equal(await store().buddyOffers.removeAll(juliet), 2);
      assert.deepEqual(await store().buddyOffers.listFor(juliet), []);
      assert.deepEqual(await store().buddyOffers.listFor(nick), [{ viewer: nick, contact: bob, state: "offered" }]);
    });
  });
}
