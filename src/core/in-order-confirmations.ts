/**
 * Items written, in order, to a peer that confirms them later: the confirmation of one item proves every item
 * written before it (a server reads one connection's input in order). The adapter contract's
 * SendResult.confirmed (adapter.ts) is built on it: an adapter tracks what it wrote and settles each item's
 * waiter when the peer confirms it, or fails every open item when the connection is lost before that.
 *
 * Pure bookkeeping (no timers, no I/O): the policy that produces confirmations (an echo, a PONG after a PING
 * barrier, an acknowledgement) is the adapter's.
 */
import type { GatewayError } from "./errors.js";

/** Told once: undefined when the peer confirmed the item, else why it never will. */
export type ConfirmationWaiter = (error?: GatewayError) => void;

interface OpenItem<T> {
  readonly seq: number;
  readonly item: T;
  readonly waiter: ConfirmationWaiter | undefined;
}

export class InOrderConfirmations<T> {
  private next = 1;
  private open: OpenItem<T>[] = [];
  private writtenThroughSeq = 0;

  /** Items expected and neither confirmed nor failed. */
  get size(): number {
    return this.open.length;
  }

  /** The highest sequence number written so far (0 before any). */
  get writtenThrough(): number {
    return this.writtenThroughSeq;
  }

  /** An item is about to be written: its sequence number. Items are written in the order they are expected. */
  expect(item: T, waiter?: ConfirmationWaiter): number {
    const seq = this.next++;
    this.open.push({ seq, item, waiter });
    return seq;
  }

  /** The item reached the transport (so did every item expected before it): a confirmation may now prove it. */
  written(seq: number): void {
    if (seq > this.writtenThroughSeq) this.writtenThroughSeq = seq;
  }

  /** The item was never written (refused, dropped): its waiter hears why; later items are not affected. */
  notWritten(seq: number, error: GatewayError): void {
    const index = this.open.findIndex((candidate) => candidate.seq === seq);
    if (index < 0) return;
    const [entry] = this.open.splice(index, 1);
    entry?.waiter?.(error);
  }

  /** The oldest open written item that matches, if any. */
  find(predicate: (item: T) => boolean): number | undefined {
    for (const candidate of this.open) {
      if (candidate.seq > this.writtenThroughSeq) return undefined;
      if (predicate(candidate.item)) return candidate.seq;
    }
    return undefined;
  }

  /**
   * The peer refused the item `seq` (an IRC error numeric about its target): it read every item before it, which
   * hear success, oldest first; this one hears `error`.
   */
  refused(seq: number, error: GatewayError): void {
    this.confirmThrough(seq - 1);
    this.notWritten(seq, error);
  }

  /** The peer has every item up to `seq`: each waiter hears success, oldest first. */
  confirmThrough(seq: number): void {
    let count = 0;
    while (count < this.open.length && (this.open[count] as OpenItem<T>).seq <= seq) count += 1;
    for (const entry of this.open.splice(0, count)) entry.waiter?.();
  }

  /** The connection is gone: every open item fails with `error`, oldest first. */
  failAll(error: GatewayError): void {
    for (const entry of this.open.splice(0)) entry.waiter?.(error);
  }
}
