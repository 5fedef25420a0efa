/**
 * Gateway error codes as XMPP stanza errors (RFC 6120 section 8.3.3): what an XMPP sender sees when the
 * gateway refuses its stanza. The XMPP condition is kept on the GatewayError (`condition`) when it had one.
 */
import { toGatewayError, type ErrorCode, type GatewayError } from "../../core/errors.js";

export type StanzaErrorType = "cancel" | "continue" | "modify" | "auth" | "wait";

export interface StanzaCondition {
  readonly type: StanzaErrorType;
  readonly condition: string;
}

const CONDITIONS: Partial<Record<ErrorCode, StanzaCondition>> = {
  GW_ERR_UNKNOWN_RECIPIENT: { type: "cancel", condition: "item-not-found" },
  GW_ERR_NO_ROUTE: { type: "cancel", condition: "item-not-found" },
  GW_ERR_NOT_FOUND: { type: "cancel", condition: "item-not-found" },
  GW_ERR_BAD_ADDRESS: { type: "modify", condition: "jid-malformed" },
  GW_ERR_BAD_FRAME: { type: "modify", condition: "bad-request" },
  GW_ERR_FRAME_TOO_LARGE: { type: "modify", condition: "policy-violation" },
  GW_ERR_FORBIDDEN: { type: "auth", condition: "forbidden" },
  GW_ERR_NOT_MEMBER: { type: "auth", condition: "forbidden" },
  // XEP-0045 7.2.6: a room's password missing or wrong is not-authorized, which clients answer by asking for it.
  GW_ERR_KEY_NEEDED: { type: "auth", condition: "not-authorized" },
  GW_ERR_NOT_AUTHENTICATED: { type: "auth", condition: "not-authorized" },
  GW_ERR_RATE_LIMITED: { type: "wait", condition: "resource-constraint" },
  // A limit of what one person may have at once (IRC servers on demand): a place frees up as one goes.
  GW_ERR_LIMIT_REACHED: { type: "wait", condition: "resource-constraint" },
  GW_ERR_UNAVAILABLE: { type: "wait", condition: "recipient-unavailable" },
  GW_ERR_SHUTTING_DOWN: { type: "wait", condition: "service-unavailable" },
  GW_ERR_EXPIRED: { type: "wait", condition: "recipient-unavailable" },
  GW_ERR_DELIVERY_FAILED: { type: "cancel", condition: "service-unavailable" },
  // XEP-0045 7.2.10 (its example, and ejabberd): a join of a room at its maximum of occupants is service-unavailable, wait: a place may free up.
  GW_ERR_ROOM_FULL: { type: "wait", condition: "service-unavailable" },
  GW_ERR_UNSUPPORTED: { type: "cancel", condition: "feature-not-implemented" },
};

export function stanzaConditionFor(code: ErrorCode): StanzaCondition {
  return CONDITIONS[code] ?? { type: "cancel", condition: "internal-server-error" };
}

/** A refused MUC join: a members-only room one is not allowed into is registration-required (XEP-0045 7.2.7), else as the code says. */
export function joinRefusal(error: GatewayError): StanzaCondition {
  return error.condition === "members-only" ? { type: "cancel", condition: "registration-required" } : stanzaConditionFor(error.code);
}

/**
 * A refused chat of an XMPP user to the gateway's JIDs, a reaction or retraction as well as a message, as its code
 * says: a blocked sender's refusal is an unknown recipient's (core/blocklist.ts), so she gets item-not-found as for a
 * user who does not exist and cannot tell the block (XEP-0191 section 3.5: she must not learn of it).
 */
export function chatRefusal(error: unknown): StanzaCondition {
  return stanzaConditionFor(toGatewayError(error).code);
}
