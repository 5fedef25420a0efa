/**
 * A puppet's nick: its person's, or none. A nick change its person chose waits for the server's answer
 * (nick-change.ts). A puppet the server renames without being asked (services enforcing a registered nick with a Guest
 * nick, an oper's SANICK, a collision) quits, as one given another nick than it asked for does (rename): under a nick
 * nobody holds it would speak for its person unrecognised, and the claims and template that tell the gateway's puppets
 * from people would not know it. Taking the nick back with NICK would work only where it is free, that is after an
 * oper's SANICK, whose will it would undo; a quit is sure, and the next connect, which the person's next message
 * starts, takes their nick (a message cut off by the quit is sent again then).
 */
import { GatewayError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { addressKey, type Address } from "../../core/model/address.js";
import { changeNick } from "./nick-change.js";
import { sameName } from "./nicks.js";
import type { Puppet } from "./puppet.js";

export interface PuppetRenamesOptions {
  /** The person's puppet once a connect of theirs under way has settled; undefined when none is connected. */
  readonly settled: (person: Address) => Promise<Puppet | undefined>;
  /** Whether the puppet is still its person's puppet in the pool (not quitting). */
  readonly current: (puppet: Puppet) => boolean;
  /** Makes the puppet quit with `reason` (PuppetPool's retire). */
  readonly retire: (puppet: Puppet, reason: string) => Promise<void>;
  readonly log: Logger;
}

export class PuppetRenames {
  /** Puppets whose chosen nick change is under way: that NICK of theirs is asked for (rename). */
  private readonly changing = new Set<Puppet>();

  constructor(private readonly options: PuppetRenamesOptions) {}

  /**
   * The person's puppet, if connected (or connecting), takes `nick` now: resolved once the server took it
   * (nick-change.ts), rejected with its refusal once `refused` ran (the caller's claim undone). A puppet the server
   * never answered then quits, so that its nick cannot turn out other than its person was told; so does one the
   * server gave another nick than the one asked (a forced rename meanwhile), which no person holds: asking again
   * could meet the same rename, while a quit is sure. Its next connect, which a message may start as soon as it is
   * gone, reads the claims as `refused` left them: its person's nick. Not connected: nothing to do.
   */
  async rename(person: Address, nick: string, refused: () => Promise<void>): Promise<void> {
    const key = addressKey(person);
    const puppet = await this.options.settled(person);
    if (!puppet || puppet.connection.nick === nick) return;
    this.changing.add(puppet);
    try {
      await changeNick(puppet.connection, nick);
      this.options.log.info({ person: key, nick }, "IRC puppet changed nick");
    } catch (error: unknown) {
      try {
        await refused();
      } finally {
        const condition = error instanceof GatewayError ? error.condition : undefined;
        if (condition === "timeout") await this.options.retire(puppet, "nick change unanswered");
        if (condition === "renamed") {
          this.options.log.warn({ person: key, asked: nick, given: puppet.connection.nick }, "IRC puppet given another nick than it asked for: quitting, its next connect takes its person's nick");
          await this.options.retire(puppet, "renamed by the server");
        }
      }
      throw error;
    } finally {
      this.changing.delete(puppet);
    }
  }

  /** A NICK the puppet's connection saw (its own nick already followed it): the server's rename of the puppet, unasked, makes it quit (header). */
  nickSeen(puppet: Puppet, from: string, to: string): void {
    const connection = puppet.connection;
    const mapping = connection.server.caseMapping;
    if (!sameName(to, connection.nick, mapping) || sameName(from, to, mapping)) return; // someone else's, or only its case
    if (this.changing.has(puppet) || !this.options.current(puppet)) return; // asked for (rename), or quitting
    this.options.log.warn({ person: addressKey(puppet.person), nick: from, given: to }, "IRC puppet renamed by the server: quitting, its next connect takes its person's nick");
    void this.options.retire(puppet, "renamed by the server");
  }
}
