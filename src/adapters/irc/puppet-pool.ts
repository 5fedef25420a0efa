/**
 * Puppets: each person of another network who takes part in IRC through the gateway gets an IRC connection
 * of their own, with a nick made from the network's template (`{name}[sb]`), so that IRC users see real
 * people they can /query, /whois and see away.
 *
 * - On demand: a puppet connects when its person first sends something to this network, and quits after
 *   `idle_timeout_seconds` without traffic (idle-puppets.ts); it comes back with the next message.
 * - Bounded: at most `max_connections` puppets at once; at the limit the puppet idle longest makes room (idle-puppets.ts).
 * - Spread: connects are serialised, at least `connect_interval_ms` apart (connect-turns.ts).
 * - Presence: the person's presence is their puppet's AWAY (presence-map.ts), set at connect and on change.
 * - Kept: a puppet kept for someone's buddy list (buddy-puppets.ts) is never quit for being idle, and at the
 *   limit makes room only after every other puppet (idle-puppets.ts).
 * - Its person's nick, or none (puppet-renames.ts): a puppet the server renames without being asked quits, as one
 *   given another nick than it asked for does (rename); its next connect takes its person's nick.
 * - Forgotten: the puppet of a person whose account was deleted quits, and none connects for that address again (a
 *   message of theirs still under way is refused) until the name is someone's again: a new account of the name, told
 *   (remember) when the gateway made it, or found made after the deletion when a puppet is wanted for it (an account
 *   made by `switchboard user add` while the gateway runs, which the gateway is not told of).
 * - Held back: the puppet of a person whose account is disabled quits (suspend), and none connects for them while the
 *   store says the account is disabled (`accountDisabled`, asked at each connect, so across restarts too): a message
 *   of theirs still queued is refused with GW_ERR_ACCOUNT_DISABLED, never brings the puppet back.
 */
import { GatewayError, toGatewayError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { addressKey, type Address } from "../../core/model/address.js";
import type { Presence } from "../../core/model/presence.js";
import type { IrcConnection } from "./irc-connection.js";
import { ConnectTurns } from "./connect-turns.js";
import { DeletedPersons } from "./deleted-persons.js";
import { IdlePuppets } from "./idle-puppets.js";
import { sameName } from "./nicks.js";
import { presenceToIrc } from "./presence-map.js";
import { joinChannel } from "./puppet-join.js";
import { PuppetRenames } from "./puppet-renames.js";
import type { Puppet } from "./puppet.js";

function awayOptions(connection: IrcConnection): { awayLen?: number } {
  const awayLen = connection.server.awayLen;
  return awayLen === undefined ? {} : { awayLen };
}


export interface PuppetPoolOptions {
  readonly maxConnections: number;
  readonly connectIntervalMs: number;
  readonly idleTimeoutMs: number;
  /** Opens (and registers) the connection of a person's puppet. */
  readonly connect: (person: Address) => Promise<IrcConnection>;
  /** Wires the connection's events; called once per puppet, before it is used. */
  readonly attach: (puppet: Puppet) => void;
  readonly log: Logger;
  readonly now?: () => number;
  /**
   * When the account of `person` (a native user) was made; undefined when there is none. Asked only for a deleted
   * person's address when a puppet is wanted for it: an account made after the deletion is a new person's.
   */
  readonly accountCreatedAt?: (person: Address) => Promise<number | undefined>;
  /**
   * Whether the account of `person` (a native user) is disabled now, as the store says: asked before each connect of
   * a puppet, so that the hold outlives a restart (a message of theirs queued before they were disabled).
   */
  readonly accountDisabled?: (person: Address) => Promise<boolean>;
}

export class PuppetPool {
  private readonly puppets = new Map<string, Puppet>();
  private readonly connecting = new Map<string, Promise<Puppet>>();
  private readonly wanted = new Map<string, Presence>();
  /** Puppets connected when the network was lost: restored after the reconnect. */
  private readonly lost = new Map<string, { person: Address; channels: string[] }>();
  private readonly turns: ConnectTurns;
  /** Nick changes people chose for their puppets, and renames by the server (puppet-renames.ts). */
  private readonly renames: PuppetRenames;
  /** Connections of puppets quitting: still the gateway's under their nick until closed (isPuppetNick). */
  private readonly leaving = new Set<IrcConnection>();
  /** People whose account was deleted (forget): no puppet connects for them until the name is registered again. */
  private readonly forgotten: DeletedPersons;
  /** Puppets quit for being idle, or to make room (idle-puppets.ts). */
  private readonly idle: IdlePuppets;
  private closed = false;

  constructor(private readonly options: PuppetPoolOptions) {
    this.turns = new ConnectTurns({ intervalMs: options.connectIntervalMs, now: () => this.now(), closed: () => this.closed });
    this.forgotten = new DeletedPersons(options.accountCreatedAt);
    this.renames = new PuppetRenames({
      settled: (person) => this.settled(addressKey(person)),
      current: (puppet) => this.puppets.get(addressKey(puppet.person)) === puppet,
      retire: (puppet, reason) => this.retire(puppet, reason),
      log: options.log,
    });
    this.idle = new IdlePuppets({
      maxConnections: options.maxConnections,
      idleTimeoutMs: options.idleTimeoutMs,
      puppets: this.puppets,
      retire: (puppet, reason) => this.retire(puppet, reason),
      now: () => this.now(),
    });
    this.idle.start();
  }

  get size(): number {
    return this.puppets.size;
  }

  /** The person's puppet, connected now if it is not. */
  async puppetFor(person: Address): Promise<Puppet> {
    if (this.closed) throw new GatewayError("GW_ERR_UNAVAILABLE", "the IRC network is disconnecting", { retryable: true });
    const key = addressKey(person);
    if (await this.forgotten.isHeld(person)) throw new GatewayError("GW_ERR_FORBIDDEN", `${key} was deleted: no puppet speaks for them`);
    const existing = this.puppets.get(key);
    if (existing) {
      existing.lastUsed = this.now();
      return existing;
    }
    let pending = this.connecting.get(key);
    if (!pending) {
      pending = this.open(person).finally(() => this.connecting.delete(key));
      this.connecting.set(key, pending);
    }
    return pending;
  }

  /** Keeps (or stops keeping) the person's puppet connected regardless of traffic. */
  keep(person: Address, on: boolean): void {
    this.idle.keep(person, on);
  }

  /** The person's puppet if it is connected. */
  of(person: Address): Puppet | undefined {
    return this.puppets.get(addressKey(person));
  }

  /** The puppet of the person using this nick, if any (nicks compared in ASCII lower case). */
  byNick(nick: string): Puppet | undefined {
    for (const puppet of this.puppets.values()) if (sameName(puppet.connection.nick, nick, puppet.connection.server.caseMapping)) return puppet;
    return undefined;
  }

  /** A puppet's nick, also of one quitting: its lines and its QUIT are still the gateway's own. */
  isPuppetNick(nick: string): boolean {
    if (this.byNick(nick) !== undefined) return true;
    for (const connection of this.leaving) if (sameName(connection.nick, nick, connection.server.caseMapping)) return true;
    return false;
  }

  /** Joins the puppet to a channel (once), resolving when the server confirms it; a refusal is a GatewayError with the numeric's name (puppet-join.ts). */
  async join(puppet: Puppet, channel: string, key: string): Promise<void> {
    const folded = channel.toLowerCase();
    if (puppet.channels.has(folded)) return;
    await joinChannel(puppet.connection, channel, key);
    puppet.channels.add(folded);
  }

  /** The person left the room: their puppet (if any) leaves the channel. */
  part(person: Address, channel: string, reason: string): void {
    const puppet = this.puppets.get(addressKey(person));
    if (!puppet || !puppet.channels.delete(channel.toLowerCase())) return;
    puppet.connection.send("PART", [channel, reason]);
  }

  /** The channel is no longer bridged: every puppet in it leaves. */
  partAll(channel: string, reason: string): void {
    for (const puppet of this.puppets.values()) this.part(puppet.person, channel, reason);
  }

  /** A channel was left by force (kick): the next message joins again. */
  forgetChannel(puppet: Puppet, channel: string): void {
    puppet.channels.delete(channel.toLowerCase());
  }

  /**
   * The person's account was deleted: their puppet (connected, or connecting) quits with `reason`, is neither kept nor
   * restored, and none connects for them again until someone registers the name anew (remember, or an account of the
   * name made after now: accountCreatedAt): not when the address is online again, which a linked account of theirs still
   * online makes it while the deletion runs.
   */
  async forget(person: Address, reason: string): Promise<void> {
    const key = addressKey(person);
    this.forgotten.hold(person, this.now());
    this.idle.keep(person, false);
    this.wanted.delete(key);
    this.lost.delete(key);
    const puppet = await this.settled(key);
    if (puppet) await this.retire(puppet, reason);
  }

  /**
   * The person's account was disabled: their puppet (connected, or connecting) quits with `reason`, and is neither kept
   * nor restored. Nothing is held here: no puppet connects for them while the store says they are disabled (open).
   */
  async suspend(person: Address, reason: string): Promise<void> {
    const key = addressKey(person);
    this.idle.keep(person, false);
    this.wanted.delete(key);
    this.lost.delete(key);
    const puppet = await this.settled(key);
    if (puppet) await this.retire(puppet, reason);
  }

  /** Someone registered the name of a deleted account anew: a puppet may connect for that address again. */
  remember(person: Address): void {
    this.forgotten.release(person);
  }

  /** The person's presence: their puppet's AWAY now if it is connected, else when it connects. */
  setPresence(presence: Presence): void {
    const key = addressKey(presence.from);
    const puppet = this.puppets.get(key);
    // Offline is kept only where it decides something (a puppet to quit, one not to restore): everyone's presence
    // passes here, and the gateway must not keep an entry for each address it ever heard of.
    if (presence.show === "offline" && !puppet && !this.lost.has(key)) this.wanted.delete(key);
    else this.wanted.set(key, presence);
    if (!puppet) return;
    const action = presenceToIrc(presence, awayOptions(puppet.connection));
    if (action.kind === "quit") {
      void this.retire(puppet, action.reason || "offline");
    } else {
      this.applyAway(puppet, action.kind === "away" ? action.message : undefined);
    }
  }

  /** Quits every puppet (shutdown, or the network was lost). */
  async closeAll(reason: string): Promise<void> {
    this.closed = true;
    this.idle.stop();
    await Promise.all([...this.puppets.values()].map((puppet) => this.retire(puppet, reason)));
  }

  /**
   * Forgets every puppet without a word (their connections died with the server), remembering who was
   * connected and in which channels, for restore().
   */
  dropAll(): void {
    for (const puppet of this.puppets.values()) {
      this.lost.set(addressKey(puppet.person), { person: puppet.person, channels: [...puppet.channels] });
      puppet.connection.destroy();
    }
    this.puppets.clear();
  }

  /**
   * After a reconnect: the puppets that were connected come back, one at a time (spaced like any connect, so
   * many puppets are no storm), rejoin their channels and take their person's presence again. A puppet that
   * cannot come back now is left for on demand.
   */
  async restore(join: (puppet: Puppet, channel: string) => Promise<void>): Promise<void> {
    const lost = [...this.lost.values()];
    this.lost.clear();
    for (const { person, channels } of lost) {
      if (this.closed) return;
      if (this.wanted.get(addressKey(person))?.show === "offline") continue; // went offline meanwhile
      try {
        const puppet = await this.puppetFor(person);
        for (const channel of channels) await join(puppet, channel);
      } catch (error: unknown) {
        this.options.log.info({ err: error, person: addressKey(person) }, "IRC puppet not restored; it comes back on demand");
      }
    }
  }

  /**
   * The person's puppet, if connected, quits and connects again at once (its login changed), rejoining its
   * channels; nothing happens when it is not connected (the next connect uses the new login anyway).
   */
  async reconnect(person: Address, reason: string, join: (puppet: Puppet, channel: string) => Promise<void>): Promise<void> {
    const puppet = await this.settled(addressKey(person));
    if (!puppet || this.closed) return;
    const channels = [...puppet.channels];
    await this.retire(puppet, reason);
    const again = await this.puppetFor(person);
    for (const channel of channels) await join(again, channel);
  }

  /** The person's puppet, if connected (or connecting), takes `nick` now (PuppetRenames.rename). */
  rename(person: Address, nick: string, refused: () => Promise<void>): Promise<void> {
    return this.renames.rename(person, nick, refused);
  }

  reopen(): void {
    this.closed = false;
    this.idle.start();
  }

  /**
   * Runs `run` (a connection of its own that is no puppet: an account check) in the puppets' connect turn, spaced
   * like their connects, so that the network never sees connects closer together. Not kept, not counted at the limit.
   */
  inTurn(run: () => Promise<void>): Promise<void> {
    return this.turns.take(run);
  }

  private async open(person: Address): Promise<Puppet> {
    // Asked within the connect under way (connecting), which suspend() awaits: a disable meanwhile quits it at once.
    if (await this.options.accountDisabled?.(person)) {
      throw new GatewayError("GW_ERR_ACCOUNT_DISABLED", `${addressKey(person)} is disabled: no puppet speaks for them until their account is enabled again`);
    }
    const connection = await this.turns.take(() => this.connectMakingRoom(person));
    const puppet: Puppet = { person, connection, channels: new Set(), lastUsed: this.now() };
    const key = addressKey(person);
    if (this.closed) {
      // closeAll() ran while this connect was under way: it must not outlive the adapter.
      await connection.quit("Switchboard is stopping").catch(() => undefined);
      throw new GatewayError("GW_ERR_UNAVAILABLE", "the IRC network is disconnecting", { retryable: true });
    }
    this.puppets.set(key, puppet);
    connection.on("closed", () => {
      if (this.puppets.get(key) === puppet) this.puppets.delete(key);
    });
    connection.on("nick", (event) => this.renames.nickSeen(puppet, event.from, event.to));
    this.options.attach(puppet);
    const presence = this.wanted.get(key);
    if (presence) {
      const action = presenceToIrc(presence, awayOptions(connection));
      if (action.kind === "away") this.applyAway(puppet, action.message);
      // Offline now (it changed while connecting), yet it spoke: it stays for this message and quits when idle.
    }
    this.options.log.info({ person: key, nick: connection.nick, puppets: this.puppets.size }, "IRC puppet connected");
    return puppet;
  }

  /** The person's puppet once a connect of theirs under way has settled (connected or failed). */
  private async settled(key: string): Promise<Puppet | undefined> {
    await this.connecting.get(key)?.catch(() => undefined);
    return this.puppets.get(key);
  }

  private async connectMakingRoom(person: Address): Promise<IrcConnection> {
    await this.idle.makeRoom();
    try {
      return await this.options.connect(person);
    } catch (error: unknown) {
      throw toGatewayError(error);
    }
  }

  private applyAway(puppet: Puppet, message: string | undefined): void {
    try {
      puppet.connection.send("AWAY", message === undefined ? [] : [message]);
    } catch (error: unknown) {
      this.options.log.warn({ err: error }, "AWAY not set");
    }
  }

  private async retire(puppet: Puppet, reason: string): Promise<void> {
    const key = addressKey(puppet.person);
    if (this.puppets.get(key) === puppet) this.puppets.delete(key);
    this.leaving.add(puppet.connection);
    await puppet.connection.quit(reason).catch(() => undefined);
    this.leaving.delete(puppet.connection);
    this.options.log.info({ person: key, nick: puppet.connection.nick, reason }, "IRC puppet quit");
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
