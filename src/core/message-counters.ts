/**
 * How many messages the gateway accepted, and how its queued deliveries ended, since it started: figures for the
 * operator's monitoring (the metrics endpoint), kept where each happens (Router, Outbox, LogRetention).
 */
import type { MessageScope } from "./model/message.js";

export class MessageCounters {
  /** Messages accepted (acknowledged to their senders), by scope. */
  readonly accepted: Record<MessageScope, number> = { direct: 0, room: 0 };
  /** Queued deliveries (a recipient, a bridged room) confirmed delivered. */
  delivered = 0;
  /** Queued deliveries given up and reported to their senders as failed (refused, expired, bounced). */
  failed = 0;
  /** Messages deleted from the log for being older than `store.message_log_max_age_days` (core/log-retention.ts). */
  expired = 0;
}
