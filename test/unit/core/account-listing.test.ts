/** Pages of accounts for admins (admin.user.list, XEP-0133 lists): capped, `truncated` when more follow, no secret given. */
import assert from "node:assert/strict";
import { ACCOUNT_PAGE_MAX, accountPage } from "../../../src/core/account-listing.js";
import type { AccountPageQuery, AccountRecord } from "../../../src/store/store.js";

function records(count: number): AccountRecord[] {
  return Array.from({ length: count }, (_, index) => ({ name: `u${String(index).padStart(5, "0")}`, passwordHash: "scrypt$secret", displayName: "", createdAt: index }));
}

/** The store's page() over `all`, recording what it was asked. */
function storeOf(all: AccountRecord[]): { page(query: AccountPageQuery): Promise<AccountRecord[]>; asked: AccountPageQuery[] } {
  const asked: AccountPageQuery[] = [];
  return {
    asked,
    page: async (query) => {
      asked.push(query);
      return all.filter((record) => record.name > query.after && (query.disabledOnly !== true || record.disabled !== undefined)).slice(0, query.limit);
    },
  };
}

describe("accountPage", () => {
  it(`gives at most ${ACCOUNT_PAGE_MAX} accounts, truncated when more follow, and the rest after the last name`, async () => {
    const store = storeOf(records(ACCOUNT_PAGE_MAX + 1));
    const first = await accountPage(store);
    assert.equal(first.accounts.length, ACCOUNT_PAGE_MAX);
    assert.equal(first.truncated, true);
    const next = await accountPage(store, { after: first.accounts.at(-1)?.name ?? "" });
    assert.deepEqual(next, { accounts: [{ name: "u01000", createdAt: ACCOUNT_PAGE_MAX }], truncated: false });
  });

  it("is not truncated when exactly the limit is left, caps a larger limit, and gives no password hash", async () => {
    const store = storeOf(records(3));
    assert.deepEqual(await accountPage(store, { limit: 3 }), {
      accounts: [
        { name: "u00000", createdAt: 0 },
        { name: "u00001", createdAt: 1 },
        { name: "u00002", createdAt: 2 },
      ],
      truncated: false,
    });
    assert.equal((await accountPage(store, { limit: 2 })).truncated, true);
    await accountPage(store, { limit: 5000 });
    assert.equal(store.asked.at(-1)?.limit, ACCOUNT_PAGE_MAX + 1);
  });

  it("gives a disabled account's time and reason, and the disabled ones only when asked", async () => {
    const all = records(2);
    all[1] = { ...all[1]!, disabled: { at: 7, reason: "spam" } };
    assert.deepEqual(await accountPage(storeOf(all), { disabledOnly: true }), { accounts: [{ name: "u00001", createdAt: 1, disabled: { at: 7, reason: "spam" } }], truncated: false });
  });
});
