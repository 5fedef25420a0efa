/**
 * The store contract for identities: accounts on other networks proven to belong to a person, and the proofs
 * (one-time codes, kept as hashes) still waiting for an answer. Called by describeStoreContract inside its
 * describe block, with that block's store.
 */
import assert from "node:assert/strict";
import { addressKey, parseAddress, type Address } from "../../../src/core/model/address.js";
import type { IdentityLinkRecord, LinkProofRecord, Store } from "../../../src/store/store.js";
import { account, alice, bob, carol } from "./store-fixtures.js";

const T0 = 1_700_000_000_000;
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

const aliceJid = parseAddress("xmpp://example/alice@example.org");
const aliceNick = parseAddress("irc://libera/alice");
const aliceOftc = parseAddress("irc://oftc/alice_");

function link(person: Address, address: Address, linkedAt = T0): IdentityLinkRecord {
  return { person, address, linkedAt };
}

function proof(overrides: Partial<LinkProofRecord> = {}): LinkProofRecord {
  return { person: alice, address: aliceJid, codeHash: "a".repeat(64), createdAt: T0, expiresAt: T0 + 10 * 60_000, attempts: 0, ...overrides };
}

/** For methods whose order the interface leaves open. */
function byKeys<T extends { readonly person: Address; readonly address: Address }>(records: readonly T[]): T[] {
  const key = (record: T): string => `${addressKey(record.person)} ${addressKey(record.address)}`;
  return [...records].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function describeIdentityContract(store: () => Store): void {
  describe("identities", () => {
    // A link is written only while its person's account exists.
    beforeEach(async () => {
      await store().accounts.create(account("alice"));
      await store().accounts.create(account("bob"));
    });

    describe("links", () => {
      it("refuses a link of a person whose account is being deleted or missing with GW_ERR_NOT_FOUND, writing nothing", async () => {
        assert.equal(await store().accountRemovals.begin("alice", 1), true);
        await assert.rejects(store().identities.link(link(alice, aliceJid)), { code: "GW_ERR_NOT_FOUND" });
        await assert.rejects(store().identities.link(link(parseAddress("native:nobody"), aliceNick)), { code: "GW_ERR_NOT_FOUND" });
        assert.deepEqual(await store().identities.allLinks(), []);
        assert.equal(await store().identities.link(link(bob, aliceJid)), true, "bob's account is there");
      });

      it("links an address to a person and reads it back both ways", async () => {
        assert.equal(await store().identities.link(link(alice, aliceJid)), true);
        assert.deepEqual(await store().identities.linksOf(alice), [link(alice, aliceJid)]);
        assert.deepEqual(await store().identities.personOf(aliceJid), link(alice, aliceJid));
        assert.deepEqual(await store().identities.allLinks(), [link(alice, aliceJid)]);
      });

      it("keeps the account a link is bound to, and none for a link to the address alone", async () => {
        const bound: IdentityLinkRecord = { ...link(alice, aliceNick), account: "AliceAcct" };
        assert.equal(await store().identities.link(bound), true);
        assert.equal(await store().identities.link(link(alice, aliceJid, T0 + 1)), true);
        assert.deepEqual(await store().identities.personOf(aliceNick), bound);
        assert.deepEqual(await store().identities.linksOf(alice), [bound, link(alice, aliceJid, T0 + 1)]);
        assert.deepEqual(byKeys(await store().identities.allLinks()), byKeys([bound, link(alice, aliceJid, T0 + 1)]));
        assert.equal("account" in ((await store().identities.personOf(aliceJid)) ?? {}), false, "no account key on an unbound link");
      });

      it("links an address to one person only: a second link, to anyone, is false and changes nothing", async () => {
        assert.equal(await store().identities.link(link(alice, aliceJid)), true);
        assert.equal(await store().identities.link(link(bob, aliceJid, T0 + 1)), false);
        assert.equal(await store().identities.link(link(alice, aliceJid, T0 + 2)), false);
        assert.deepEqual(await store().identities.personOf(aliceJid), link(alice, aliceJid));
        assert.deepEqual(await store().identities.linksOf(bob), []);
      });

      it("lists a person's links ordered by address, and only theirs", async () => {
        await store().identities.link(link(alice, aliceJid, T0 + 1));
        await store().identities.link(link(bob, carol, T0 + 2));
        await store().identities.link(link(alice, aliceOftc, T0 + 3));
        await store().identities.link(link(alice, aliceNick, T0 + 4));
        assert.deepEqual(await store().identities.linksOf(alice), [link(alice, aliceNick, T0 + 4), link(alice, aliceOftc, T0 + 3), link(alice, aliceJid, T0 + 1)]);
        assert.deepEqual(await store().identities.linksOf(bob), [link(bob, carol, T0 + 2)]);
        assert.deepEqual(await store().identities.linksOf(carol), []);
      });

      it("returns undefined for an address linked to nobody", async () => {
        await store().identities.link(link(alice, aliceJid));
        assert.equal(await store().identities.personOf(aliceNick), undefined);
        assert.equal(await store().identities.personOf(alice), undefined);
      });

      it("returns every link from allLinks", async () => {
        assert.deepEqual(await store().identities.allLinks(), []);
        await store().identities.link(link(bob, carol));
        await store().identities.link(link(alice, aliceJid));
        await store().identities.link(link(alice, aliceNick));
        assert.deepEqual(byKeys(await store().identities.allLinks()), byKeys([link(alice, aliceJid), link(alice, aliceNick), link(bob, carol)]));
      });

      it("unlinks and reports whether there was such a link", async () => {
        await store().identities.link(link(alice, aliceJid));
        await store().identities.link(link(alice, aliceNick));
        assert.equal(await store().identities.unlink(alice, aliceJid), true);
        assert.equal(await store().identities.unlink(alice, aliceJid), false);
        assert.equal(await store().identities.personOf(aliceJid), undefined);
        assert.deepEqual(await store().identities.linksOf(alice), [link(alice, aliceNick)]);
      });

      it("does not unlink an address linked to someone else", async () => {
        await store().identities.link(link(alice, aliceJid));
        assert.equal(await store().identities.unlink(bob, aliceJid), false);
        assert.equal(await store().identities.unlink(alice, carol), false);
        assert.deepEqual(await store().identities.personOf(aliceJid), link(alice, aliceJid));
      });

      it("lets another person link an address once it is unlinked", async () => {
        await store().identities.link(link(alice, aliceJid));
        await store().identities.unlink(alice, aliceJid);
        assert.equal(await store().identities.link(link(bob, aliceJid, T0 + 1)), true);
        assert.deepEqual(await store().identities.personOf(aliceJid), link(bob, aliceJid, T0 + 1));
      });
    });

    describe("proofs", () => {
      it("keeps a proof and returns it for its address", async () => {
        await store().identities.putProof(proof({ attempts: 2 }));
        assert.deepEqual(await store().identities.proofsFor(aliceJid), [proof({ attempts: 2 })]);
        assert.deepEqual(await store().identities.proofsFor(aliceNick), []);
      });

      it("replaces an earlier proof for the same person and address, attempts included", async () => {
        await store().identities.putProof(proof());
        await store().identities.recordAttempt(alice, aliceJid);
        const again = proof({ codeHash: "b".repeat(64), createdAt: T0 + 60_000, expiresAt: T0 + 11 * 60_000 });
        await store().identities.putProof(again);
        assert.deepEqual(await store().identities.proofsFor(aliceJid), [again]);
      });

      it("returns every person's proof waiting on the same address", async () => {
        const alices = proof();
        const bobs = proof({ person: bob, codeHash: "b".repeat(64), createdAt: T0 + 1 });
        await store().identities.putProof(bobs);
        await store().identities.putProof(alices);
        await store().identities.putProof(proof({ address: aliceNick }));
        assert.deepEqual(byKeys(await store().identities.proofsFor(aliceJid)), byKeys([alices, bobs]));
      });

      it("counts wrong attempts and returns the new count", async () => {
        await store().identities.putProof(proof());
        await store().identities.putProof(proof({ person: bob }));
        assert.equal(await store().identities.recordAttempt(alice, aliceJid), 1);
        assert.equal(await store().identities.recordAttempt(alice, aliceJid), 2);
        assert.equal(await store().identities.recordAttempt(alice, aliceJid), 3);
        assert.deepEqual(byKeys(await store().identities.proofsFor(aliceJid)), byKeys([proof({ attempts: 3 }), proof({ person: bob })]));
      });

      it("returns 0 for an attempt on a proof that does not exist, and creates none", async () => {
        assert.equal(await store().identities.recordAttempt(alice, aliceJid), 0);
        assert.deepEqual(await store().identities.proofsFor(aliceJid), []);
      });

      it("removes a proof and reports whether there was one", async () => {
        await store().identities.putProof(proof());
        await store().identities.putProof(proof({ person: bob }));
        assert.equal(await store().identities.removeProof(alice, aliceJid), true);
        assert.equal(await store().identities.removeProof(alice, aliceJid), false);
        assert.deepEqual(await store().identities.proofsFor(aliceJid), [proof({ person: bob })]);
      });

      it("removes the proofs expired at `now` (expiresAt <= now) and returns how many", async () => {
        await store().identities.putProof(proof({ address: aliceJid, expiresAt: T0 + 100 }));
        await store().identities.putProof(proof({ address: aliceNick, expiresAt: T0 + 101 }));
        await store().identities.putProof(proof({ person: bob, address: aliceJid, expiresAt: T0 + 99 }));
        assert.equal(await store().identities.removeExpiredProofs(T0 + 100), 2);
        assert.deepEqual(await store().identities.proofsFor(aliceJid), []);
        assert.deepEqual(await store().identities.proofsFor(aliceNick), [proof({ address: aliceNick, expiresAt: T0 + 101 })]);
        assert.equal(await store().identities.removeExpiredProofs(T0 + 100), 0);
      });
    });

    describe("proofs asked for (rate limiting)", () => {
      it("counts the proofs a person asked for since a time, inclusive", async () => {
        await store().identities.putProof(proof({ address: aliceJid, createdAt: T0 }));
        await store().identities.putProof(proof({ address: aliceNick, createdAt: T0 + 1000 }));
        await store().identities.putProof(proof({ address: aliceOftc, createdAt: T0 + 2000 }));
        await store().identities.putProof(proof({ person: bob, createdAt: T0 + 1000 }));
        assert.equal(await store().identities.proofsAskedSince(alice, T0), 3);
        assert.equal(await store().identities.proofsAskedSince(alice, T0 + 1000), 2);
        assert.equal(await store().identities.proofsAskedSince(alice, T0 + 2001), 0);
        assert.equal(await store().identities.proofsAskedSince(bob, T0), 1);
        assert.equal(await store().identities.proofsAskedSince(carol, T0), 0);
      });

      it("counts replaced, removed and expired proofs too", async () => {
        await store().identities.putProof(proof({ createdAt: T0 }));
        await store().identities.putProof(proof({ createdAt: T0 + 1000 }));
        await store().identities.putProof(proof({ createdAt: T0 + 1000 }));
        await store().identities.putProof(proof({ address: aliceNick, createdAt: T0 + 2000, expiresAt: T0 + 3000 }));
        await store().identities.removeProof(alice, aliceJid);
        assert.equal(await store().identities.removeExpiredProofs(T0 + 3000), 1);
        assert.deepEqual(await store().identities.proofsFor(aliceNick), []);
        assert.equal(await store().identities.proofsAskedSince(alice, T0), 4);
        assert.equal(await store().identities.proofsAskedSince(alice, T0 + 1), 3);
      });

      it("keeps counting the requests of the last 24 hours when expired proofs are removed", async () => {
        await store().identities.putProof(proof({ createdAt: T0 }));
        await store().identities.putProof(proof({ createdAt: T0 + HOUR }));
        await store().identities.removeExpiredProofs(T0 + DAY);
        assert.equal(await store().identities.proofsAskedSince(alice, T0), 2);
        await store().identities.removeExpiredProofs(T0 + DAY + HOUR);
        assert.equal(await store().identities.proofsAskedSince(alice, T0 + HOUR), 1);
      });
    });
  });
}
