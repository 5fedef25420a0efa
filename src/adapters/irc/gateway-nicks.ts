/**
 * The gateway's own nicks on one network: its connection's and its puppets'. Which nick is one of them (nobody to
 * write to, nobody whose lines to relay), and which nicks a person's puppet may be given.
 */
import type { AdapterContext } from "../../core/adapter.js";
import type { Address } from "../../core/model/address.js";
import type { IrcNetworkConfig } from "../../config/config-types.js";
import type { IrcConnection } from "./irc-connection.js";
import { templateHasFixedText } from "./bridge-nicks.js";
import { personName } from "./irc-addresses.js";
import { puppetNickCandidates, sameName } from "./nicks.js";
import type { PuppetPool } from "./puppet-pool.js";

export interface GatewayNicksParts {
  readonly config: IrcNetworkConfig;
  readonly context: AdapterContext;
  /** The pool (made after these nicks, whose candidates it asks for): read when a nick is checked. */
  puppets(): PuppetPool;
  /** The gateway's connection, while connected. */
  main(): IrcConnection | undefined;
}

export class GatewayNicks {
  /** Whether the puppet template has text besides its placeholders (bridge-nicks.ts templateHasFixedText). */
  private readonly templateHasText: boolean;

  constructor(private readonly parts: GatewayNicksParts) {
    this.templateHasText = templateHasFixedText(parts.config.puppets.nick_template);
  }

  /** The gateway's connection's nick now, or a connected puppet's (ASCII case-insensitive): their lines are its own echo. */
  isOwnNick(nick: string): boolean {
    return nick.toLowerCase() === this.parts.main()?.nick.toLowerCase() || this.parts.puppets().isPuppetNick(nick);
  }

  /**
   * One of the gateway's own nicks: its connection's (now, or as configured) or a puppet's (connected or not: a
   * nick claimed for a puppet is nobody else's), compared as the server does (rfc1459: "bob{sb}" is "bob[sb]").
   */
  isGatewayNick(nick: string): boolean {
    const main = this.parts.main();
    const names = this.parts.context.names;
    const mapping = main?.server.caseMapping;
    if ((main !== undefined && sameName(nick, main.nick, mapping)) || sameName(nick, this.parts.config.nick, mapping) || this.parts.puppets().isPuppetNick(nick)) return true;
    // A template without text of its own makes puppets' nicks people's names ("bob"): a name claimed once must not
    // make the IRC user who has that nick unreachable for good. Only connected puppets are the gateway's then.
    if (!this.templateHasText) return false;
    // Claims are compared folded as rfc1459 folds nicks (core/model/name-fold.ts): "bob{sb}" is "bob[sb]".
    return names.isClaimed(nick);
  }

  /**
   * The nicks a person's puppet may be given, best first. The first nobody else has is theirs for good
   * (core/name-claims.ts): native bob and xmpp:bob@elsewhere.org both make bob[sb], and IRC users must never see
   * one of them speak, or get the other's private messages, under the nick they know.
   */
  puppetNickCandidates(person: Address): Iterable<string> {
    const { config, context } = this.parts;
    return puppetNickCandidates(config.puppets.nick_template, { name: personName(person), network: context.account }, { nickLen: this.parts.main()?.server.nickLen ?? 30 });
  }

  /** The nick the person's puppet has, or would be given now (for listings; claims nothing). */
  puppetNick(person: Address): string {
    return this.parts.context.names.peek(person, this.puppetNickCandidates(person)) ?? personName(person);
  }
}
