/**
 * The writes of accepted messages (log row, outbox rows), batched per event-loop turn (write-batcher.ts), and
 * what is known about each before its batch is written.
 *
 * Delivery starts as soon as a message is accepted, before its batch is written: the write costs a turn and a
 * transaction, and a recipient who is connected need not wait for it. So:
 *   - a recipient whose delivery completed before the batch was handed to the store gets no outbox row at all
 *     (`forget`): no insert, and no removal afterwards. With the message log off such a message, once every
 *     recipient has it, is not written at all.
 *   - any other outcome (sent and waiting for a confirmation, retry, failure, a move to another address) touches
 *     the message's rows, so it waits for them to be written first (`written`).
 * The sender's acknowledgement still waits for the write (`offer` resolves only then): what the gateway
 * acknowledged is on disk, whether or not it was delivered already. When the write fails (a full disk, the
 * database locked), a message that every recipient had already is acknowledged all the same, since it was
 * delivered (only its log row is missing: "delivered-unwritten"), rather than reported failed to a sender who
 * would send it again; any other is refused, and what waited for its rows is dropped (`written` is false).
 */
import { sameAddress, type Address } from "./model/address.js";
import type { Message } from "./model/message.js";
import { WriteBatcher } from "./write-batcher.js";
import type { Store } from "../store/store.js";

/** What became of a message's rows: written, or not written although every recipient had the message already. */
export type WriteOutcome = "written" | "delivered-unwritten";

interface OpenEntry {
  readonly message: Message;
  readonly recipients: Address[];
}

export class AcceptedWrites {
  private readonly batcher: WriteBatcher<OpenEntry>;
  /** Offered and not handed to the store yet: their recipients can still be taken off. */
  private readonly open = new Map<string, OpenEntry>();
  /** Offered with recipients and not written yet: settles (never rejects) once it is (true) or failed (false). */
  private readonly writing = new Map<string, Promise<boolean>>();

  constructor(store: Store) {
    this.batcher = new WriteBatcher((batch) => {
      for (const entry of batch) this.open.delete(entry.message.id);
      return store.accept(batch);
    });
  }

  /**
   * Queues the message's rows for the next batch; resolves once they are written, or once their write failed
   * after every recipient had the message ("delivered-unwritten"); rejects when it failed before that.
   */
  offer(message: Message, recipients: readonly Address[]): Promise<WriteOutcome> {
    const entry: OpenEntry = { message, recipients: [...recipients] };
    const written = this.batcher.offer(entry);
    if (recipients.length > 0) {
      const id = message.id;
      this.open.set(id, entry);
      const settled = (ok: boolean): boolean => {
        this.writing.delete(id);
        return ok;
      };
      this.writing.set(
        id,
        written.then(
          () => settled(true),
          () => settled(false),
        ),
      );
    }
    return written.then(
      (): WriteOutcome => "written",
      (error: unknown): WriteOutcome => {
        if (entry.recipients.length === 0) return "delivered-unwritten";
        throw error;
      },
    );
  }

  /**
   * The recipient has the message before its batch was handed to the store: its row is not written. False when
   * the row is (being) written already, and has to be removed as usual.
   */
  forget(messageId: string, recipient: Address): boolean {
    const entry = this.open.get(messageId);
    const index = entry?.recipients.findIndex((candidate) => sameAddress(candidate, recipient)) ?? -1;
    if (!entry || index < 0) return false;
    entry.recipients.splice(index, 1);
    return true;
  }

  /**
   * Resolves once the message's rows are written (true) or their write failed (false: they are not in the store);
   * undefined when that is settled already, or the message had no rows to write.
   */
  written(messageId: string): Promise<boolean> | undefined {
    return this.writing.get(messageId);
  }

  /** Resolves when everything offered so far is written (or failed). */
  drain(): Promise<void> {
    return this.batcher.drain();
  }
}
