/**
 * Writes of what belongs to a person (linked accounts, IRC services accounts, identity links) refuse a native owner
 * whose account is missing or being deleted, in the same statement as the write: a link begun before a deletion and
 * finishing after it would otherwise be written once the deletion looked, and be inherited by whoever registers the
 * name next (core/account-deletion.ts). Owners of other networks have no account here and are not concerned.
 */
import { DEFAULT_ACCOUNT, type Address } from "../../core/model/address.js";
import { GatewayError } from "../../core/errors.js";

/**
 * The condition, for an INSERT ... SELECT ... WHERE: bound to the owner's account name twice (nativeName), true for
 * an owner of another network (null) or a native user whose account exists and is not being deleted.
 */
export const OWNER_HAS_ACCOUNT = "(? IS NULL OR EXISTS (SELECT 1 FROM accounts WHERE name = ? AND deleted_at IS NULL))";

/** The account name of a native user, or null for an owner of another network. */
export function nativeName(owner: Address): string | null {
  return owner.protocol === "native" && owner.account === DEFAULT_ACCOUNT ? owner.id : null;
}

/** What a refused write answers: GW_ERR_NOT_FOUND, as for any write to an account that is no more. */
export function noAccount(owner: Address): GatewayError {
  return new GatewayError("GW_ERR_NOT_FOUND", `no user ${owner.id} (deleted, or being deleted)`);
}
