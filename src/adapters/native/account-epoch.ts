/**
 * A name may be registered again once its account was deleted (docs/protocol.md, "Deleting an account"): whatever was
 * said to or by the name before the current account existed was said to or by another person, and never reaches the
 * new one (a message still on its way, a failure report, a receipt, history, a correction). Gateway ids begin with
 * the time of acceptance (core/message-id.ts), so a message predates an account when its id sorts below the time the
 * account was created.
 */
import { idBoundAt } from "../../core/message-id.js";

export function predates(messageId: string, accountCreatedAt: number): boolean {
  return messageId < idBoundAt(accountCreatedAt);
}

