/**
 * The store contract for name claims (core/name-claims.ts): one person per name on a network, compared in lower
 * case; a person's first claim, then names they choose, every one kept as theirs with one current; a name released
 * only by its holder. Called by describeStoreContract inside its describe block, with that block's store.
 */
import assert from "node:assert/strict";
import { addressKey } from "../../../src/core/model/address.js";
import type { HeldName, Store } from "../../../src/store/store.js";
import { alice, bob } from "./store-fixtures.js";

const claim = (name: string, person = alice, claimedAt = 1, account = "libera"): { protocol: string; account: string; name: string; person: typeof alice; claimedAt: number } => ({
  protocol: "irc",
  account,
  name,
  person,
  claimedAt,
});

/** "person name" for each claim, current ones marked with "*", oldest first. */
function held(claims: readonly HeldName[]): string[] {
  return claims.map((entry) => `${entry.account} ${addressKey(entry.person)} ${entry.name}${entry.current ? " *" : ""}`);
}

export function describeNameClaimContract(store: () => Store): void {
  describe("name claims", () => {
    it("gives a name to one person per network, compared in lower case, and a person one first claim", async () => {
      assert.equal(await store().names.claim(claim("alice[sb]")), true);
      assert.equal(await store().names.claim(claim("ALICE[sb]", bob, 2)), false, "someone else's name");
      assert.equal(await store().names.claim(claim("other[sb]", alice, 3)), false, "a person claims a first name once");
      assert.equal(await store().names.claim(claim("alice[sb]", bob, 4, "oftc")), true, "each network apart");
      assert.deepEqual(held(await store().names.list()), ["libera native:alice alice[sb] *", "oftc native:bob alice[sb] *"]);
    });

    it("makes a chosen name current and keeps the earlier ones its holder's, to go back to", async () => {
      await store().names.claim(claim("alice[sb]"));
      assert.equal(await store().names.choose(claim("ali[sb]", alice, 2)), true);
      assert.equal(await store().names.choose(claim("Alice[sb]", bob, 3)), false, "an earlier name stays its holder's");
      assert.equal(await store().names.claim(claim("bob[sb]", bob, 4)), true);
      assert.equal(await store().names.choose(claim("ALI[sb]", bob, 5)), false, "a current name is its holder's");
      assert.deepEqual(held(await store().names.list()), ["libera native:alice alice[sb]", "libera native:alice ali[sb] *", "libera native:bob bob[sb] *"]);
      assert.equal(await store().names.choose(claim("Alice[sb]", alice, 6)), true, "back to an earlier name, spelt anew");
      assert.deepEqual(held(await store().names.list()), ["libera native:alice Alice[sb] *", "libera native:alice ali[sb]", "libera native:bob bob[sb] *"]);
    });

    it("chooses a first name for someone who held none, and releases only a holder's own name", async () => {
      assert.equal(await store().names.choose(claim("ali[sb]")), true);
      assert.equal(await store().names.claim(claim("alice[sb]", alice, 2)), false, "a chosen name is a first claim too");
      assert.equal(await store().names.release("irc", "libera", bob, "ali[sb]"), false, "not bob's");
      assert.equal(await store().names.release("irc", "libera", alice, "ALI[sb]"), true);
      assert.deepEqual(await store().names.list(), []);
      assert.equal(await store().names.claim(claim("bob[sb]", bob, 3)), true);
      assert.equal(await store().names.choose(claim("ali[sb]", bob, 4)), true, "free again once released");
    });
  });
}
