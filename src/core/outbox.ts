/**
 * Store-and-forward of direct messages, and of room messages to the adapters that relay a room to a room of
 * their network (router.ts, relayRecipients): accepted -> queued -> delivered | failed, in order per
 * recipient, never twice, across reconnects and restarts.
 *
 * A message is written to the store (log + outbox row) before it is acknowledged. Delivery goes through the
 * recipient's RecipientQueue and starts before that write (accepted-writes.ts): a recipient served before the
 * batch is written costs no outbox row, and every other outcome waits for the row. A retryable failure
 * (recipient offline, network down) leaves it in the store until the recipient becomes reachable or the retry
 * timer fires; a permanent failure, or waiting longer than `expireAfterMs`, removes it and reports the failure
 * to the sender's adapter.
 *
 * An adapter may hand a message to its network and confirm it later (adapter.ts SendResult.confirmed): the
 * entry is removed (and a direct message's delivery receipt sent) only once confirmed; a confirmation that
 * fails retryably rewinds the recipient's queue (recipient-queue.ts), which sends what the store still holds
 * again, in order, when the recipient is reachable.
 */
import type { MessageCounters } from "./message-counters.js";
import type { AdapterRegistry } from "./adapter-registry.js";
import { GatewayError, toGatewayError } from "./errors.js";
import type { Logger } from "./logger.js";
import { addressKey, sameAddress, type Address, type ProtocolId } from "./model/address.js";
import type { Message } from "./model/message.js";
import type { FailureReports } from "./failure-reports.js";
import { RetractedDeliveries } from "./retracted-deliveries.js";
import { RecipientQueue, type AttemptOutcome, type FinalOutcome } from "./recipient-queue.js";
import { AcceptedWrites } from "./accepted-writes.js";
import { WriteBatcher } from "./write-batcher.js";
import { LogThrottle } from "../util/log-throttle.js";
import type { OutboxKey, Store } from "../store/store.js";

export interface OutboxOptions {
  readonly expireAfterMs: number;
  readonly retryIntervalMs: number;
  /** Config store.message_log (default true): false, the store writes nothing for a message without recipients. */
  readonly messageLog?: boolean;
  /** Counts for the metrics endpoint (core/message-counters.ts). */
  readonly counters?: MessageCounters;
  /**
   * For a direct message queued for another address than its recipient (a linked account of the person it is
   * to, docs/bridging.md): whether that address still is the person, asked before each attempt (Router). A link
   * undone, or an IRC nick no longer logged in to its account, must not get the person's messages.
   */
  readonly linkedRecipientNow?: (message: Message, recipient: Address) => LinkedRecipientVerdict;
  /**
   * A direct message queued for one of its recipient's linked accounts failed there for good: what becomes of it
   * (redirect: the person's sessions get it; drop: they have it already). Without it, the failure is reported.
   */
  readonly linkedRecipientFailed?: (message: Message) => LinkedRecipientVerdict;
  /**
   * Asked before each attempt: an error when the message may no longer reach its recipient (she blocked its sender
   * since it was accepted, core/blocklist.ts). It fails as a delivery to nobody would, reported to its sender.
   */
  readonly refusedNow?: (message: Message) => GatewayError | undefined;
}

/** send: the address still is the person; redirect: give the message to `to` instead; drop: the person has it already. */
export type LinkedRecipientVerdict = { readonly action: "send" } | { readonly action: "redirect"; readonly to: Address } | { readonly action: "drop" };

const IDLE_QUEUE_MS = 10 * 60 * 1000;

export class Outbox {
  private readonly queues = new Map<string, { queue: RecipientQueue; recipient: Address }>();
  private readonly writes: AcceptedWrites;
  /** Delivered entries, removed in one transaction per turn: one commit per message cost a quarter of the CPU. */
  private readonly removals: WriteBatcher<OutboxKey>;
  private timer: NodeJS.Timeout | undefined;
  /** Messages acknowledged although their write failed (every recipient had them): logged once a while. */
  private readonly unwrittenLog = new LogThrottle(10_000);
  /** "<message id> <recipient key>" of deliveries bounced while unconfirmed (bounced()). */
  private readonly bouncedUnconfirmed = new Set<string>();
  private readonly retractions = new RetractedDeliveries();

  constructor(
    private readonly store: Store,
    private readonly registry: AdapterRegistry,
    private readonly log: Logger,
    private readonly options: OutboxOptions,
    private readonly failures: FailureReports,
  ) {
    this.writes = new AcceptedWrites(store);
    this.removals = new WriteBatcher((batch) => store.outbox.removeMany(batch));
  }

  /** Resumes deliveries left from before a restart and starts the retry and expiry timer. */
  async start(): Promise<void> {
    for (const recipient of await this.store.outbox.recipients()) this.queueFor(recipient, true);
    this.timer = setInterval(() => void this.tick(), this.options.retryIntervalMs);
    this.timer.unref();
    void this.retryWaiting();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.writes.drain();
    await this.removals.drain();
  }

  /**
   * Durably records the message and its queued deliveries; resolves once it is safe to acknowledge. Its
   * deliveries may start before (deliver()).
   */
  async accept(message: Message, recipients: readonly Address[]): Promise<void> {
    if (recipients.length === 0 && this.options.messageLog === false) return; // nothing to write
    if ((await this.writes.offer(message, recipients)) === "written") return;
    const heldBack = this.unwrittenLog.occurred();
    if (heldBack !== undefined) this.log.error({ id: message.id, ...(heldBack > 0 ? { unwrittenBefore: heldBack } : {}) }, "the store failed after every recipient had the message: acknowledged, not in the message log");
  }

  /** Starts delivery of a message accepted for `recipient`, whether or not its rows are written yet. */
  deliver(message: Message, recipient: Address): void {
    const queue = this.queueFor(recipient, false);
    const written = queue.isLive ? undefined : this.writes.written(message.id);
    // A queue reading the store must find the message there: it is offered once its row is written (not at all
    // when the write failed: the sender was refused it).
    if (written) void written.then((ok) => ok && queue.offer(message));
    else queue.offer(message);
  }

  /**
   * The recipient's network returned a message as not delivered (an XMPP error reply, a MUC's refusal), which
   * Router.bounced reported to its sender. When that delivery still waits for its confirmation (the server's
   * answer to the barrier after it), the bounce is its outcome: a confirmation that comes next counts it neither
   * delivered (no receipt to the sender) nor lost (it is not sent again, to bounce and be reported twice, when the
   * connection drops before the answer).
   */
  bounced(messageId: string, recipient: Address): void {
    if (!this.queues.get(addressKey(recipient))?.queue.isBusyWith(messageId)) return;
    if (this.bouncedUnconfirmed.size >= 10_000) this.bouncedUnconfirmed.clear(); // only ever a few in flight
    this.bouncedUnconfirmed.add(`${messageId} ${addressKey(recipient)}`);
  }

  /** The message was retracted (Router): where it still waits, it is dropped rather than delivered (core/retracted-deliveries.ts). */
  retracted(messageId: string): void {
    this.retractions.retract(messageId);
  }

  /** The address can receive now: send what waits for it, and the failure reports of its own messages. */
  reachable(address: Address): void {
    const entry = this.queues.get(addressKey(address));
    if (entry) void this.drain(entry.queue, address);
    this.failures.flush(address).catch((error: unknown) => this.log.error({ err: error, sender: addressKey(address) }, "failure reports not flushed"));
  }

  /** A network came back: every recipient it serves may receive what waits for them. */
  networkReachable(protocol: ProtocolId, account: string): void {
    for (const { queue, recipient } of this.queues.values()) {
      if (recipient.protocol === protocol && recipient.account === account && queue.isWaiting) void this.drain(queue, recipient);
    }
  }

  private queueFor(recipient: Address, waiting: boolean): RecipientQueue {
    const key = addressKey(recipient);
    let entry = this.queues.get(key);
    if (!entry) {
      const queue = new RecipientQueue(
        { attempt: (message) => this.attempt(message, recipient), loadPending: (limit) => this.loadPending(recipient, limit) },
        waiting,
      );
      entry = { queue, recipient };
      this.queues.set(key, entry);
    }
    return entry.queue;
  }

  private async loadPending(recipient: Address, limit: number): Promise<Message[]> {
    await this.writes.drain(); // what was accepted is read
    await this.removals.drain(); // confirmed deliveries are not read again as pending
    return (await this.store.outbox.pending(recipient, limit)).map((entry) => entry.message);
  }

  private async drain(queue: RecipientQueue, recipient: Address): Promise<void> {
    try {
      await queue.drain();
    } catch (error: unknown) {
      this.log.error({ err: error, recipient: addressKey(recipient) }, "outbox drain failed");
    }
  }

  private async attempt(waiting: Message, recipient: Address): Promise<AttemptOutcome> {
    if (this.retractions.drops(waiting, recipient)) {
      this.log.debug({ id: waiting.id, recipient: addressKey(recipient) }, "retracted before delivery: dropped");
      if (!this.writes.forget(waiting.id, recipient)) this.removeEntry(waiting, recipient);
      return "done";
    }
    const message = this.retractions.withoutQuote(waiting);
    const refusal = this.options.refusedNow?.(message);
    if (refusal !== undefined) return this.refused(message, recipient, refusal);
    if (message.scope === "direct" && !sameAddress(recipient, message.to) && (await this.rerouted(message, recipient))) return "done";
    try {
      // A network on demand (an IRC server) disconnected while unused, or not connected since a restart: connected again.
      const adapter = this.registry.for(recipient) ?? (await this.registry.obtain(recipient));
      if (!adapter) throw new GatewayError("GW_ERR_UNAVAILABLE", `no adapter serves ${addressKey(recipient)} now`, { retryable: true });
      const { confirmed } = await adapter.send(message, recipient);
      if (confirmed === undefined) {
        this.delivered(message, recipient);
        return "done";
      }
      const bounce = `${message.id} ${addressKey(recipient)}`;
      const confirmation = confirmed.then(
        (): FinalOutcome => {
          if (this.bouncedUnconfirmed.delete(bounce)) this.settleBounced(message, recipient);
          else this.delivered(message, recipient);
          return "done";
        },
        (thrown: unknown) => {
          if (!this.bouncedUnconfirmed.delete(bounce)) return this.notDelivered(message, recipient, thrown).catch((): FinalOutcome => "retry");
          this.settleBounced(message, recipient);
          return "done";
        },
      );
      return { confirmation };
    } catch (thrown: unknown) {
      return this.notDelivered(message, recipient, thrown);
    }
  }

  /** Refused at delivery (refusedNow): failed without an attempt, and never handed to the person's other accounts. */
  private async refused(message: Message, recipient: Address, refusal: GatewayError): Promise<FinalOutcome> {
    if ((await this.writes.written(message.id)) === false) return "done"; // not kept: the sender was refused it
    this.log.debug({ id: message.id, recipient: addressKey(recipient), code: refusal.code }, "refused at delivery");
    // Reported as to the address the sender wrote to, not to her linked account it waited for.
    await this.fail(message, recipient, refusal, message.scope === "direct" ? message.to : recipient);
    return "done";
  }

  /** A message for a linked account that is no longer its person: moved to the person, or dropped. True when so. */
  private async rerouted(message: Message, recipient: Address): Promise<boolean> {
    const verdict = this.options.linkedRecipientNow?.(message, recipient) ?? { action: "send" };
    if (verdict.action === "send") return false;
    if ((await this.writes.written(message.id)) === false) return true; // not kept: the sender was refused it
    this.log.info({ id: message.id, recipient: addressKey(recipient), to: addressKey(message.to), action: verdict.action }, "linked account no longer its person's: the message goes to the person unless they have it");
    await this.handOver(message, recipient, verdict);
    return true;
  }

  /** Takes a direct message from a linked account's queue: dropped (the person has it), or moved to the person. */
  private async handOver(message: Message, recipient: Address, verdict: Exclude<LinkedRecipientVerdict, { readonly action: "send" }>): Promise<void> {
    if (verdict.action === "drop") {
      await this.store.outbox.remove(message.id, recipient);
      return;
    }
    await this.store.outbox.move(message.id, recipient, verdict.to);
    // Older, maybe, than what the person's queue has sent since: readmitted, not offered (which would skip it).
    this.queueFor(verdict.to, false).readmit(message);
  }

  /** A delivery whose outcome was its bounce, reported already: its entry goes, and nothing more is said. */
  private settleBounced(message: Message, recipient: Address): void {
    this.log.debug({ id: message.id, recipient: addressKey(recipient) }, "delivery bounced before its confirmation: not sent again");
    if (!this.writes.forget(message.id, recipient)) this.removeEntry(message, recipient);
  }

  private delivered(message: Message, recipient: Address): void {
    if (this.options.counters) this.options.counters.delivered += 1;
    if (this.log.isLevelEnabled("debug")) this.log.debug({ id: message.id, recipient: addressKey(recipient) }, "message delivered");
    if (!this.writes.forget(message.id, recipient)) this.removeEntry(message, recipient);
    if (message.scope === "direct") {
      this.registry
        .for(message.from)
        ?.reportDelivered(message, recipient)
        .catch((error: unknown) => this.log.debug({ err: error, id: message.id }, "delivery receipt not sent"));
    }
  }

  /**
   * Not awaited: the next message need not wait for this commit. Should it be lost in a crash, the message is
   * delivered again after the restart (at least once), never lost. A row still being written is removed after.
   */
  private removeEntry(message: Message, recipient: Address): void {
    const remove = (): Promise<void> => this.removals.offer({ messageId: message.id, recipient });
    const written = this.writes.written(message.id);
    (written ? written.then((ok) => (ok ? remove() : undefined)) : remove()).catch((error: unknown) => this.log.error({ err: error, id: message.id }, "outbox entry not removed"));
  }

  private async notDelivered(message: Message, recipient: Address, thrown: unknown): Promise<FinalOutcome> {
    // The outcome is recorded on the message's row; without a row (its write failed) the sender was refused it.
    if ((await this.writes.written(message.id)) === false) return "done";
    const error = toGatewayError(thrown);
    if (error.retryable) {
      if (this.log.isLevelEnabled("debug")) this.log.debug({ id: message.id, recipient: addressKey(recipient), code: error.code, reason: error.message }, "delivery deferred: the message waits in the outbox");
      await this.store.outbox.recordAttempt(message.id, recipient, error.code);
      return "retry";
    }
    if (message.scope === "direct" && !sameAddress(recipient, message.to)) {
      const verdict = this.options.linkedRecipientFailed?.(message);
      if (verdict !== undefined && verdict.action !== "send") {
        this.log.info({ err: error, id: message.id, recipient: addressKey(recipient) }, "linked account refused the message: it goes to the person");
        await this.handOver(message, recipient, verdict);
        return "done";
      }
    }
    this.log.warn({ err: error, id: message.id, recipient: addressKey(recipient) }, "delivery failed");
    await this.fail(message, recipient, error);
    return "done";
  }

  /**
   * The notice is recorded before the entry goes: should the process die in between, the delivery is tried
   * again (and fails again, one notice kept), and with the message log off the stored message stays as long
   * as a notice still needs it.
   */
  private async fail(message: Message, recipient: Address, error: GatewayError, reportedAs: Address = recipient): Promise<void> {
    if (this.options.counters) this.options.counters.failed += 1;
    await this.failures.report(message, reportedAs, error);
    await this.store.outbox.remove(message.id, recipient);
  }

  /**
   * Every delivery queued for `recipient` (a bridged room whose bridge ended, on a network that may be down; a deleted
   * account), or those of its messages `which` picks, fails now, reported to its sender, instead of when the network is
   * back or the message expires; one under way ends as it will.
   */
  async failQueued(recipient: Address, error: GatewayError, which?: (message: Message) => boolean): Promise<void> {
    await this.writes.drain();
    await this.removals.drain();
    const queue = this.queues.get(addressKey(recipient))?.queue;
    const handled = new Set<string>();
    // Failed entries leave the store, so each read starts over; with a filter, what it leaves stays: read at once.
    const limit = which === undefined ? 500 : Number.MAX_SAFE_INTEGER;
    for (;;) {
      const page = await this.store.outbox.pending(recipient, limit);
      const entries = page.filter((entry) => !handled.has(entry.message.id) && !queue?.isBusyWith(entry.message.id) && (which?.(entry.message) ?? true));
      if (entries.length === 0) return;
      for (const entry of entries) {
        handled.add(entry.message.id);
        queue?.skip(entry.message.id);
        this.log.info({ id: entry.message.id, recipient: addressKey(recipient), code: error.code, reason: error.message }, "queued delivery failed");
        await this.fail(entry.message, recipient, error);
      }
    }
  }

  private async tick(): Promise<void> {
    try {
      await this.expire();
      await this.retryWaiting();
      this.forgetIdleQueues();
    } catch (error: unknown) {
      this.log.error({ err: error }, "outbox maintenance failed");
    }
  }

  private async retryWaiting(): Promise<void> {
    for (const { queue, recipient } of this.queues.values()) {
      if (queue.isWaiting) await this.drain(queue, recipient);
    }
  }

  private async expire(): Promise<void> {
    // Deliveries whose removal is still pending must not be taken for expired ones.
    await this.removals.drain();
    const deadline = Date.now() - this.options.expireAfterMs;
    for (;;) {
      const entries = await this.store.outbox.acceptedBefore(deadline, 500);
      const expirable = entries.filter((entry) => !this.queues.get(addressKey(entry.recipient))?.queue.isBusyWith(entry.message.id));
      if (expirable.length === 0) return;
      for (const entry of expirable) {
        this.queues.get(addressKey(entry.recipient))?.queue.skip(entry.message.id);
        const waited = Math.round((Date.now() - entry.message.timestamp) / 1000);
        this.log.info({ id: entry.message.id, recipient: addressKey(entry.recipient), waitedSeconds: waited }, "message expired");
        await this.fail(entry.message, entry.recipient, new GatewayError("GW_ERR_EXPIRED", `not delivered within ${waited} s`));
      }
    }
  }

  private forgetIdleQueues(): void {
    const cutoff = Date.now() - IDLE_QUEUE_MS;
    for (const [key, { queue }] of this.queues) {
      if (queue.isIdle && !queue.isWaiting && queue.lastActivity < cutoff) this.queues.delete(key);
    }
  }
}
