/**
 * What the XMPP adapter remembers about recent messages of XMPP senders: the gateway ids of their stanza ids
 * (CorrectionIds) and the receipts they asked for (ReceiptRequests).
 *
 * XEP-0308 corrections name the stanza id of the message they replace, as the sender's client knows it; the
 * core names messages by gateway id. This remembers, per sender, the gateway id of their recent stanza ids
 * (a bounded map: corrections are of recent messages). A correction of a message it no longer knows is
 * carried as a new message.
 */
import { addressKey, type Address } from "../../core/model/address.js";

const CAPACITY = 10_000;

/**
 * A map of the last few thousand entries. Two generations: lookups see both, inserts go to the newer; the older is
 * dropped when the newer is full (evicting one entry at a time from a Map walks its deleted slots).
 */
export class RecentMap<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();

  set(key: string, value: V): void {
    this.current.set(key, value);
    if (this.current.size >= CAPACITY / 2) {
      this.previous = this.current;
      this.current = new Map();
    }
  }

  get(key: string): V | undefined {
    return this.current.get(key) ?? this.previous.get(key);
  }

  delete(key: string): void {
    if (!this.current.delete(key)) this.previous.delete(key);
  }
}

/** A message of an XMPP sender being accepted (CorrectionIds.begin). */
export interface Acceptance {
  /** The gateway id of the message it corrects: one accepted before, or being accepted now (then once it is). */
  readonly original: Promise<string | undefined>;
  /** Always called, once: with the message's gateway id, or undefined when it was not accepted. */
  done(gatewayId: string | undefined): void;
}

export class CorrectionIds {
  private readonly ids = new RecentMap<string>();
  /** Messages being accepted, by key: a correction arriving meanwhile waits for their gateway id. */
  private readonly pending = new Map<string, Promise<string | undefined>>();

  /**
   * A message of `sender` arrives: call before anything is awaited for it. Stanzas are handled concurrently, and a
   * client may send a correction right after the line (before the line's acceptance is done): the correction then
   * waits for the line's gateway id instead of becoming a new message. The original is looked up before this message
   * counts as being accepted, so a message naming its own id never waits for itself. `conversation` tells apart the
   * same stanza id in two conversations (a room's key); "" for direct messages.
   */
  begin(sender: Address, stanza: { readonly id?: string | undefined; readonly originId?: string | undefined; readonly replaces?: string | undefined }, conversation = ""): Acceptance {
    const original = stanza.replaces === undefined ? Promise.resolve(undefined) : this.lookUp(`${addressKey(sender)} ${conversation} ${stanza.replaces}`);
    // XEP-0359: a line is known by the <origin-id/> its client gave it too, which XEP-0444 reactions name it by.
    const keys = [stanza.id, stanza.originId].filter((id): id is string => id !== undefined).map((id) => `${addressKey(sender)} ${conversation} ${id}`);
    if (keys.length === 0) return { original, done: () => undefined };
    let settle: (gatewayId: string | undefined) => void = () => undefined;
    const accepted = new Promise<string | undefined>((resolve) => (settle = resolve));
    for (const key of keys) this.pending.set(key, accepted);
    return {
      original,
      done: (gatewayId) => {
        for (const key of keys) {
          if (this.pending.get(key) === accepted) this.pending.delete(key);
          if (gatewayId !== undefined) this.ids.set(key, gatewayId);
        }
        settle(gatewayId);
      },
    };
  }

  /**
   * The gateway id of `sender`'s recent message with this stanza id (as `begin`'s original): a reply to her own line
   * names it so (XEP-0461), where a reply to anyone else's names its gateway id.
   */
  known(sender: Address, stanzaId: string, conversation = ""): Promise<string | undefined> {
    return this.lookUp(`${addressKey(sender)} ${conversation} ${stanzaId}`);
  }

  private lookUp(key: string): Promise<string | undefined> {
    const known = this.ids.get(key);
    return known !== undefined ? Promise.resolve(known) : (this.pending.get(key) ?? Promise.resolve(undefined));
  }
}

/** Messages whose XMPP sender asked for a XEP-0184 receipt, until the receipt is sent (bounded, like the ids). */
export class ReceiptRequests {
  // Two generations, as in CorrectionIds: evicting one entry at a time from a Set walks its deleted slots.
  private current = new Set<string>();
  private previous = new Set<string>();

  add(sender: Address, stanzaId: string): void {
    this.current.add(`${addressKey(sender)} ${stanzaId}`);
    if (this.current.size >= CAPACITY / 2) {
      this.previous = this.current;
      this.current = new Set();
    }
  }

  /** True (once) when a receipt was asked for this message. */
  take(sender: Address, stanzaId: string): boolean {
    const key = `${addressKey(sender)} ${stanzaId}`;
    return this.current.delete(key) || this.previous.delete(key);
  }
}
