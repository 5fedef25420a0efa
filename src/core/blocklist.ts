/**
 * Native users' block lists, as XMPP's blocking command (XEP-0191), BitlBee's `block` and IRC clients' /ignore: a
 * user blocks addresses on any network (`native:bob`, `xmpp:eve@example.org`, `irc://libera/eve`), kept in the store
 * (BlockStore, migration 29) and held in memory, since every direct message and typing notification to a native user
 * is checked (one Map lookup for a user who blocked nobody).
 *
 * Addresses are compared in one form (`blockedForm`): IRC nicks folded by every IRC case mapping at once, whatever the
 * network announces (core/block-masks.ts foldNick says why), XMPP JIDs lower-cased (a resource kept as written) whichever XMPP account of the
 * gateway reaches them (the component, or her own linked account: `xmpp://u.alice/eve@example.org` is
 * `xmpp:eve@example.org`, one person everywhere), native names lower-cased. As in XEP-0191, a bare JID covers all its
 * resources and a full JID only itself: a room occupant's PM comes from `room@conference.example.org/nick`. A block covers the
 * blocked person's linked accounts (core/linked-persons.ts): a sender is blocked when their address, their person or
 * any account linked to that person is, so bob cannot get round it from his linked IRC nick.
 * An IRC hostmask (`irc://libera/*!*@evil.example.org`, core/block-masks.ts) is matched against the sender's prefix as
 * the IRC adapter saw it, and a blocked nick holds against its user@host under other nicks until it quits
 * (core/sender-hosts.ts): as /ignore, and so that a NICK does not get round a block.
 *
 * XEP-0191 section 3.5: a blocked contact must not learn of the block. What they send is refused with the very error an
 * unknown recipient gets (`refusal`), or dropped where their network has no answer to give; the blocker's presence
 * is hidden from them (offline). A message of theirs still queued for her when she blocks them is refused when the
 * outbox comes to deliver it (refusedNow), reported to them as at acceptance. Their room lines are hidden from her
 * native sessions and her history of the room (adapters/native/blocked-room-lines.ts), as /ignore hides them; the
 * room and everyone else in it get them as before (docs/bridging.md, "Blocking").
 */
import { foldNick, isMaskId, maskForm, maskMatches } from "./block-masks.js";
import { GatewayError } from "./errors.js";
import type { Logger } from "./logger.js";
import { addressKey, DEFAULT_ACCOUNT, makeAddress, type Address } from "./model/address.js";
import type { Message } from "./model/message.js";
import type { PersonDirectory } from "./linked-persons.js";
import type { SenderHosts } from "./sender-hosts.js";
import type { BlockStore } from "../store/store.js";

/** The most addresses one user may block. */
export const MAX_BLOCKS_PER_USER = 1000;

/** Whether `owner` blocked `sender` (Blocklist.blocks); used where a service only needs that answer. */
export type BlockCheck = (owner: Address, sender: Address) => boolean;

/** The form in which blocked addresses are kept and compared (see the header). */
export function blockedForm(address: Address): Address {
  switch (address.protocol) {
    case "irc":
      // Network names are compared case-insensitively too (config/cross-checks.ts; a server on demand is a host name).
      return makeAddress("irc", address.account.toLowerCase(), isMaskId(address.id) ? maskForm(address.id) : foldNick(address.id));
    case "xmpp": {
      // A full JID is kept whole, as XEP-0191 matches it: a room's occupant (room@conference.example.org/troll) is
      // one person of the room, whose bare JID is the room itself (everyone in it, and the room on her own server).
      const slash = address.id.indexOf("/");
      const bare = (slash === -1 ? address.id : address.id.slice(0, slash)).toLowerCase();
      return makeAddress("xmpp", DEFAULT_ACCOUNT, slash === -1 ? bare : `${bare}${address.id.slice(slash)}`);
    }
    case "native":
      return makeAddress("native", address.account, address.id.toLowerCase());
  }
}

/**
 * blockedForm, or for an IRC id that is neither a nick nor a mask (`eve*`, as a block kept before masks were could
 * hold, or an IRC sender's id no server gives) that id as it is: such a row is still read, listed and removed, and
 * such a sender's line is judged, not thrown on.
 */
function keptForm(address: Address): Address {
  if (address.protocol !== "irc" || !isMaskId(address.id)) return blockedForm(address);
  try {
    return blockedForm(address);
  } catch {
    return makeAddress("irc", address.account.toLowerCase(), address.id);
  }
}

function blockedKey(address: Address): string {
  return addressKey(blockedForm(address));
}

/** The keys a block of `sender` may be under: its own, and a full JID's bare one (a block of every resource). */
function senderKeys(sender: Address): string[] {
  const form = keptForm(sender);
  const slash = form.protocol === "xmpp" ? form.id.indexOf("/") : -1;
  return slash === -1 ? [addressKey(form)] : [addressKey(form), addressKey(makeAddress("xmpp", DEFAULT_ACCOUNT, form.id.slice(0, slash)))];
}

/**
 * A refusal that looks like an unknown recipient's (GW_ERR_UNKNOWN_RECIPIENT, the same words as the router's), so
 * that the sender cannot tell. Adapters that answer nothing for a block where an unknown recipient's sender would
 * hear why (IRC: nothing at all, as /ignore) tell it by `isBlockRefusal`; the others answer it as an unknown recipient.
 */
class BlockRefusal extends GatewayError {}

export function blockRefusal(to: Address): GatewayError {
  return new BlockRefusal("GW_ERR_UNKNOWN_RECIPIENT", `nobody is known at ${addressKey(to)}`);
}

export function isBlockRefusal(error: unknown): boolean {
  return error instanceof BlockRefusal;
}

export interface BlocklistDependencies {
  readonly store: BlockStore;
  /** Who each linked account belongs to (core/identities.ts). */
  readonly persons?: Pick<PersonDirectory, "personOf" | "linkedTo">;
  /** The bare real JID behind a MUC occupant's address, where the MUC shows it (Adapter.realJidOf): a block of the JID covers her lines there. */
  readonly realJidOf?: (occupant: Address) => string | undefined;
  /** IRC senders as the IRC adapters saw them (core/sender-hosts.ts): for hostmasks, and nicks a blocked nick changed to. */
  readonly hosts?: Pick<SenderHosts, "seenAs">;
  readonly log: Logger;
  /** Shows `blocked` the owner offline (blocked: true) or her presence again (false), where they were allowed to see it. */
  readonly presenceShown: (owner: Address, blocked: Address, hidden: boolean) => Promise<void>;
  /** The owner's own accounts: those linked to her (PersonDirectory.linkedTo) and her linked XMPP account's JID. */
  readonly ownAccounts?: (owner: Address) => Promise<readonly Address[]>;
  /** Tells the owner's own accounts of a block or unblock (her XMPP server's block list, Adapter.blockOnServer). */
  readonly ownAccountsTold?: (owner: Address, blocked: Address, isBlocked: boolean) => Promise<void>;
  readonly now?: () => number;
}

export class Blocklist {
  /** By the owner's address key: the blocked addresses by their key, in the order they were blocked. */
  private readonly lists = new Map<string, Map<string, Address>>();

  constructor(private readonly deps: BlocklistDependencies) {}

  /**
   * Rows read at start beyond the first under one of today's forms (`owner key` + " " + form key): two nicks the older
   * fold kept apart are one today, and the unblock removes both rows.
   */
  private readonly alsoKept = new Map<string, Address[]>();

  /** Reads every block kept (at start). */
  async load(): Promise<void> {
    // Compared in today's form; kept under the form it was stored in (which unblock removes).
    for (const { owner, address } of await this.deps.store.all()) {
      const list = this.listOf(owner, true);
      const key = addressKey(keptForm(address));
      if (!list.has(key)) list.set(key, address);
      else this.alsoKept.set(`${blockedKey(owner)} ${key}`, [...(this.alsoKept.get(`${blockedKey(owner)} ${key}`) ?? []), address]);
    }
  }

  /** The addresses `owner` blocked, in the order she blocked them. */
  list(owner: Address): Address[] {
    return [...(this.listOf(owner, false)?.values() ?? [])];
  }

  /**
   * `owner` blocks `address`: kept, and her presence hidden from them. Returns the address as kept, and whether it was
   * new. GW_ERR_BAD_ADDRESS for herself (any account of hers: isOwn), GW_ERR_LIMIT_REACHED past MAX_BLOCKS_PER_USER.
   */
  async block(owner: Address, address: Address): Promise<{ address: Address; added: boolean }> {
    const form = blockedForm(address);
    if (blockedKey(owner) === addressKey(form) || (await this.isOwn(owner, form))) throw new GatewayError("GW_ERR_BAD_ADDRESS", "you cannot block yourself");
    const list = this.listOf(owner, false);
    if (list?.has(addressKey(form)) === true) return { address: form, added: false };
    const count = list?.size ?? 0;
    if (count >= MAX_BLOCKS_PER_USER) throw new GatewayError("GW_ERR_LIMIT_REACHED", `you blocked ${count} addresses: this gateway allows ${MAX_BLOCKS_PER_USER}`);
    const added = await this.deps.store.add(owner, form, (this.deps.now ?? Date.now)());
    this.listOf(owner, true).set(addressKey(form), form);
    if (added) await this.show(owner, form, true);
    if (added) await this.tellOwnAccounts(owner, form, true);
    return { address: form, added };
  }

  /**
   * Whether `form` (blockedForm) names one of the owner's own accounts: an account linked to her, her linked XMPP
   * account's JID (bare, or one of its resources), or an IRC mask her linked nick matches, as last seen (else by nick
   * alone: a mask naming a user or host is not taken for hers unseen).
   */
  private async isOwn(owner: Address, form: Address): Promise<boolean> {
    const person = this.deps.persons?.personOf(form);
    if (person !== undefined && blockedKey(person) === blockedKey(owner)) return true;
    for (const own of (await this.deps.ownAccounts?.(owner)) ?? []) {
      const mine = keptForm(own);
      if (addressKey(mine) === addressKey(form)) return true;
      if (form.protocol === "xmpp" && mine.protocol === "xmpp" && !mine.id.includes("/") && form.id.startsWith(`${mine.id}/`)) return true;
      if (form.protocol !== "irc" || mine.protocol !== "irc" || mine.account !== form.account || !isMaskId(form.id)) continue;
      if (maskMatches(form.id, this.deps.hosts?.seenAs(own)?.prefix ?? `${own.id}!*@*`)) return true;
    }
    return false;
  }

  /** `owner` unblocks `address`: false when it was not blocked. Her presence is shown them again where they may see it. */
  async unblock(owner: Address, address: Address): Promise<{ address: Address; removed: boolean }> {
    const list = this.listOf(owner, false);
    // A row no longer of today's forms (keptForm) is removed as listed; any other bad address refused.
    const kept = keptForm(address);
    const form = list?.has(addressKey(kept)) === true ? kept : blockedForm(address);
    const stored = list?.get(addressKey(form)) ?? form;
    let removed = await this.deps.store.remove(owner, stored);
    const also = `${blockedKey(owner)} ${addressKey(form)}`;
    for (const row of this.alsoKept.get(also) ?? []) removed = (await this.deps.store.remove(owner, row)) || removed;
    this.alsoKept.delete(also);
    const held = list?.delete(addressKey(form)) === true;
    if (list?.size === 0) this.lists.delete(blockedKey(owner));
    if (removed || held) await this.show(owner, form, false);
    if (removed || held) await this.tellOwnAccounts(owner, form, false);
    return { address: form, removed: removed || held };
  }

  /**
   * Whether `owner` blocked `sender`, or the person `sender` is an account of, or another account of that person.
   * The hot path: one Map lookup for an owner who blocked nobody.
   */
  blocks(owner: Address, sender: Address): boolean {
    if (owner.protocol !== "native" || this.lists.size === 0) return false;
    const list = this.listOf(owner, false);
    if (list === undefined) return false;
    if (senderKeys(sender).some((key) => list.has(key)) || this.blocksAsSeen(list, sender)) return true;
    const persons = this.deps.persons;
    if (persons === undefined) return false;
    const person = persons.personOf(sender) ?? sender;
    return [person, ...persons.linkedTo(person)].some((address) => senderKeys(address).some((key) => list.has(key)));
  }

  /**
   * A MUC occupant by the real JID the MUC shows (Adapter.realJidOf). An IRC sender as the gateway saw them (core/sender-hosts.ts): blocked when a nick their user@host had since it last
   * quit is blocked (a NICK does not get round a block), or a mask of that network matches their nick!user@host.
   */
  private blocksAsSeen(list: Map<string, Address>, sender: Address): boolean {
    const realJid = sender.protocol === "xmpp" && sender.id.includes("/") ? this.deps.realJidOf?.(sender) : undefined;
    if (realJid !== undefined && senderKeys(makeAddress("xmpp", DEFAULT_ACCOUNT, realJid)).some((key) => list.has(key))) return true;
    const seen = this.deps.hosts?.seenAs(sender);
    if (seen === undefined) return false;
    const network = sender.account.toLowerCase();
    if (seen.nicks.some((nick) => list.has(addressKey(makeAddress("irc", network, nick))))) return true;
    for (const blocked of list.values()) {
      if (blocked.protocol === "irc" && blocked.account === network && isMaskId(blocked.id) && maskMatches(blocked.id, seen.prefix)) return true;
    }
    return false;
  }

  /** Whether anyone blocked IRC nick `nick` (folded) of `network` (lower case): core/sender-hosts.ts keeps it (Pinned). */
  blocksNick(network: string, nick: string): boolean {
    let key: string;
    try {
      key = addressKey(makeAddress("irc", network, nick));
    } catch {
      return false; // no address: no block names it
    }
    for (const list of this.lists.values()) if (list.has(key)) return true;
    return false;
  }

  /** A direct message (router's acceptance): rejected with `blockRefusal` when its recipient blocked its sender. */
  checkDirect(from: Address, to: Address): void {
    if (this.blocks(to, from)) {
      this.deps.log.debug({ from: addressKey(from), to: addressKey(to) }, "direct message from a blocked address refused");
      throw blockRefusal(to);
    }
  }

  /**
   * A direct message accepted before its recipient blocked its sender, and still waiting for her (Outbox refusedNow):
   * the refusal it would have had at acceptance, reported to its sender as a delivery to nobody.
   */
  refusedNow(message: Pick<Message, "scope" | "from" | "to">): GatewayError | undefined {
    return message.scope === "direct" && this.blocks(message.to, message.from) ? blockRefusal(message.to) : undefined;
  }

  /** Forgets a deleted account: her list, and her address in others' lists (the store removed both with it). */
  forget(person: Address): void {
    this.lists.delete(blockedKey(person));
    const key = blockedKey(person);
    for (const [owner, list] of this.lists) if (list.delete(key) && list.size === 0) this.lists.delete(owner);
  }

  private listOf(owner: Address, create: true): Map<string, Address>;
  private listOf(owner: Address, create: false): Map<string, Address> | undefined;
  private listOf(owner: Address, create: boolean): Map<string, Address> | undefined {
    // A native address whose id is already in lower case is its own form: its key read as it is (cached per address),
    // not made anew for every member a room line goes to.
    const key = owner.protocol === "native" && owner.id === owner.id.toLowerCase() ? addressKey(owner) : blockedKey(owner);
    let list = this.lists.get(key);
    if (list === undefined && create) {
      list = new Map();
      this.lists.set(key, list);
    }
    return list;
  }

  private async tellOwnAccounts(owner: Address, blocked: Address, isBlocked: boolean): Promise<void> {
    try {
      await this.deps.ownAccountsTold?.(owner, blocked, isBlocked);
    } catch (error: unknown) {
      this.deps.log.warn({ err: error, owner: addressKey(owner), blocked: addressKey(blocked) }, "(un)block not kept by her own account's server");
    }
  }

  private async show(owner: Address, blocked: Address, hidden: boolean): Promise<void> {
    try {
      await this.deps.presenceShown(owner, blocked, hidden);
    } catch (error: unknown) {
      this.deps.log.warn({ err: error, owner: addressKey(owner), blocked: addressKey(blocked) }, "presence not shown to a (un)blocked address");
    }
  }
}
