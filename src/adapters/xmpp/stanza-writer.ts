/**
 * How the component's rooms write stanzas: one at a time, or the stanzas of one event together (a room message to
 * each occupant, a join's occupant list). Those are made in one go, so they are handed to the socket corked and
 * leave in one write(2) instead of one each: a message to a room of 50 occupants was 50 system calls, each of them
 * waking the server. Nothing waits for the cork: it is released as soon as the last stanza is handed over (holding
 * writes until the end of a turn delayed every message by a turn; docs/performance.md).
 */
import type { Element } from "ltx";

export interface StanzaWriter {
  one(element: Element): Promise<void>;
  /** In order, after anything written before; settles once every one is written, rejects if any fails. */
  all(elements: readonly Element[]): Promise<void>;
}

/** The part of a socket that batches writes (net.Socket, any stream.Writable). */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/** Writes each stanza with `write` while `socket` (when there is one) is corked, then releases it. */
export async function writeCorked(socket: Corkable | null | undefined, elements: readonly Element[], write: (element: Element) => Promise<void>): Promise<void> {
  socket?.cork();
  let writes: Array<Promise<void>>;
  try {
    writes = elements.map((element) => write(element));
  } finally {
    socket?.uncork();
  }
  await Promise.all(writes);
}
