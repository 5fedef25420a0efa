/**
 * The gateway's native accounts as its admins see them (native admin.user.list; XEP-0133 get-registered-users-list and
 * get-disabled-users-list, src/adapters/xmpp/service-admin-commands.ts): by name, at most ACCOUNT_PAGE_MAX at once with
 * `truncated` set when more follow, the next page asked for after the last name given (a cursor that holds however
 * accounts come and go meanwhile, unlike an offset). Nothing secret leaves here: no password hash.
 */
import type { AccountPageQuery, AccountStore, AccountSuspension } from "../store/store.js";

/** The most accounts one page gives: a frame of them stays well under native.max_frame_bytes (about 150 bytes each). */
export const ACCOUNT_PAGE_MAX = 1000;

export interface AccountSummary {
  readonly name: string;
  readonly createdAt: number;
  /** Since when and why the account is disabled (core/account-suspension.ts); absent while it is not. */
  readonly disabled?: AccountSuspension;
}

export interface AccountPage {
  readonly accounts: readonly AccountSummary[];
  /** More accounts follow the last one given: ask again after its name. */
  readonly truncated: boolean;
}

/** A page of accounts: `limit` (at most, and by default, ACCOUNT_PAGE_MAX) after `after`, disabled ones only if asked. */
export async function accountPage(store: Pick<AccountStore, "page">, query: Partial<AccountPageQuery> = {}): Promise<AccountPage> {
  const limit = Math.max(1, Math.min(query.limit ?? ACCOUNT_PAGE_MAX, ACCOUNT_PAGE_MAX));
  // One more than given tells whether more follow, without a count of them all.
  const records = await store.page({ after: query.after ?? "", limit: limit + 1, ...(query.disabledOnly === true ? { disabledOnly: true } : {}) });
  const accounts = records.slice(0, limit).map(({ name, createdAt, disabled }): AccountSummary => ({ name, createdAt, ...(disabled === undefined ? {} : { disabled }) }));
  return { accounts, truncated: records.length > limit };
}
