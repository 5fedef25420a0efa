/**
 * The message log's retention (`store.message_log_max_age_days`), as Prosody's mod_mam `archive_expires_after`
 * and ejabberd's MAM purge do: messages older than the age are deleted from the log, at start and then every hour.
 *
 * A pass deletes in small batches, one transaction each, and yields to the event loop between them, so that a log
 * of years first pruned at once never holds up the messages of the moment (each batch is a few milliseconds of
 * SQLite work). The store keeps what something still needs (MessageLogStore.pruneBatch): messages queued in the
 * outbox or awaited by a failure report, and the newest message of all.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import type { Logger } from "./logger.js";
import type { MessageCounters } from "./message-counters.js";
import type { MessageLogStore } from "../store/store.js";
import type { MucLineIdStore } from "../store/muc-line-id-store.js";
import { systemTimers, type Timers } from "../util/timers.js";

const DAY_MS = 24 * 60 * 60 * 1000;
export const PASS_INTERVAL_MS = 60 * 60 * 1000;
/** A batch of ordinary messages (a transaction of as many single-row deletes) takes about 10 ms. */
export const BATCH_SIZE = 2000;
/** A batch of long messages (64 KiB bodies take 0.1 ms each or more) ends after this much work instead. */
export const BATCH_MAX_MS = 20;

export interface LogRetentionOptions {
  readonly log: Pick<MessageLogStore, "pruneBatch">;
  /** The MUCs' ids of lines (core/muc-line-log.ts), pruned with the log, a range at a time (sqlite-muc-line-ids.ts). */
  readonly mucLineIds?: Pick<MucLineIdStore, "prune">;
  /** The age in days past which messages go; 0 keeps everything. Read at each pass: a reload (SIGHUP) changes it. */
  readonly maxAgeDays: () => number;
  readonly logger: Logger;
  readonly counters?: MessageCounters;
  readonly now?: () => number;
  readonly timers?: Timers;
  readonly batchSize?: number;
}

export class LogRetention {
  private timer: unknown;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** A pass was asked for while one ran. */
  private again = false;

  constructor(private readonly options: LogRetentionOptions) {}

  /** A first pass now, then one an hour. */
  start(): void {
    this.stopped = false;
    this.runPass();
  }

  /**
   * A pass now (a reload that changed the age: the operator expects it to hold at once), or right after the one under
   * way, which read the age before. The hourly timer is armed again after each pass, so that passes never overlap.
   */
  runPass(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    const timers = this.options.timers ?? systemTimers;
    timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.pass().then(
      () => undefined,
      (error: unknown) => this.options.logger.error({ err: error }, "message log not pruned"),
    );
    void this.running.finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        this.runPass();
      } else {
        this.timer = timers.setTimeout(() => this.runPass(), PASS_INTERVAL_MS);
      }
    });
  }

  /** No further batch or pass; resolves once the batch under way is done, so the store can close after it. */
  async stop(): Promise<void> {
    this.stopped = true;
    (this.options.timers ?? systemTimers).clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Deletes what is older than the age, batch after batch; the count of messages deleted. */
  async pass(): Promise<number> {
    const days = this.options.maxAgeDays();
    if (days <= 0) return 0;
    const cutoff = (this.options.now ?? Date.now)() - days * DAY_MS;
    const limit = this.options.batchSize ?? BATCH_SIZE;
    let deleted = 0;
    let after: string | undefined;
    do {
      const batch = await this.options.log.pruneBatch(cutoff, after === undefined ? { limit, maxMs: BATCH_MAX_MS } : { after, limit, maxMs: BATCH_MAX_MS });
      deleted += batch.deleted;
      after = batch.next;
      // The messages of the moment go between two batches.
      if (after !== undefined) await nextTurn();
    } while (after !== undefined && !this.stopped);
    if (!this.stopped) await this.options.mucLineIds?.prune(cutoff);
    if (deleted > 0) {
      if (this.options.counters) this.options.counters.expired += deleted;
      this.options.logger.info({ deleted, cutoff: new Date(cutoff).toISOString(), maxAgeDays: days }, "message log pruned");
    }
    return deleted;
  }
}
