import assert from "node:assert/strict";
import { createAccount } from "../../../src/core/accounts.js";
import type { Logger } from "../../../src/core/logger.js";
import { passwordAttempt } from "../../../src/core/login-limits.js";
import { addressKey, makeAddress, type Address } from "../../../src/core/model/address.js";
import { PasswordLinks } from "../../../src/core/password-links.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";
import { AttemptLimiter } from "../../../src/util/attempt-limiter.js";

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;
const PASSWORD = "correct horse battery";
const jid = (id: string): Address => makeAddress("xmpp", "default", id);

describe("linking by password (in-band registration) in the login limiter", function () {
  this.timeout(20_000);
  let store: Store;
  let limiter: AttemptLimiter;
  let links: PasswordLinks;
  const linked: string[] = [];

  beforeEach(async () => {
    store = openSqliteStore(":memory:");
    await createAccount(store.accounts, { name: "alice", password: PASSWORD });
    // max 1: one failure per (JID, name), 4 per server over all names, 20 per name over everyone.
    limiter = new AttemptLimiter(1, 60_000);
    linked.length = 0;
    const identities = {
      linkProven: async (person: Address, address: Address) => {
        linked.push(`${addressKey(address)} -> ${addressKey(person)}`);
        return true;
      },
      holder: () => undefined,
      unlink: async () => undefined,
    };
    links = new PasswordLinks({ accounts: store.accounts, identities, limiter, log: quiet });
  });

  afterEach(async () => store.close());

  it("counts failures per JID and name, then per server over all names", async () => {
    await assert.rejects(links.link(jid("juliet@example.org"), "xmpp:example.org", "alice", "wrong"), { code: "GW_ERR_AUTH_FAILED" });
    await assert.rejects(links.link(jid("juliet@example.org"), "xmpp:example.org", "Alice", PASSWORD), { code: "GW_ERR_RATE_LIMITED" }, "the pair is limited, a right password too");
    for (const name of ["romeo", "nurse", "tybalt"]) await assert.rejects(links.link(jid(`${name}@example.org`), "xmpp:example.org", "alice", "wrong"), { code: "GW_ERR_AUTH_FAILED" });
    await assert.rejects(links.link(jid("paris@example.org"), "xmpp:example.org", "alice", PASSWORD), { code: "GW_ERR_RATE_LIMITED" }, "the server is limited");
    assert.deepEqual(await links.link(jid("paris@other.org"), "xmpp:other.org", "alice", PASSWORD), { user: "alice", linked: true }, "another server is not");
    assert.deepEqual(linked, ["xmpp:paris@other.org -> native:alice"]);
  });

  it("limits guesses sent all at once as it limits guesses sent one after the other", async () => {
    const guesses = ["wrong1", "wrong2", "wrong3", "wrong4", "wrong5"].map((guess) => links.link(jid("juliet@example.org"), "xmpp:example.org", "alice", guess));
    const outcomes = await Promise.allSettled(guesses);
    const codes = outcomes.map((outcome) => (outcome.status === "rejected" ? (outcome.reason as { code: string }).code : "linked"));
    assert.deepEqual(codes, ["GW_ERR_AUTH_FAILED", "GW_ERR_RATE_LIMITED", "GW_ERR_RATE_LIMITED", "GW_ERR_RATE_LIMITED", "GW_ERR_RATE_LIMITED"]);
  });

  it("takes back what a right password counted: the server and the name are not limited by successes", async () => {
    for (let n = 0; n < 8; n++) assert.deepEqual(await links.link(jid(`u${n}@example.org`), "xmpp:example.org", "alice", PASSWORD), { user: "alice", linked: true });
    await assert.rejects(links.link(jid("juliet@example.org"), "xmpp:example.org", "alice", "wrong"), { code: "GW_ERR_AUTH_FAILED" });
  });

  it("is refused once native logins failed for the user's name from everywhere (the per-user limit)", async () => {
    // 20 failed native logins of alice from 20 addresses: her name is limited everywhere, registration too.
    for (let n = 0; n < 20; n++) passwordAttempt(limiter, `10.0.0.${n}`, "alice").begin(); // each a wrong password: begun, never passed
    await assert.rejects(links.link(jid("juliet@example.org"), "xmpp:example.org", "alice", PASSWORD), { code: "GW_ERR_RATE_LIMITED" });
    assert.deepEqual(linked, []);
  });

  it("makes a native login of the user wait once registrations failed for her name often enough", async () => {
    for (let n = 0; n < 20; n++) {
      await assert.rejects(links.link(jid(`u${n}@s${Math.floor(n / 4)}.example`), `xmpp:s${Math.floor(n / 4)}.example`, "alice", "wrong"), { code: "GW_ERR_AUTH_FAILED" });
    }
    assert.throws(() => passwordAttempt(limiter, "192.0.2.1", "alice").check(), { code: "GW_ERR_RATE_LIMITED" });
  });
});
