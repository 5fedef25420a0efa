/**
 * A puppet nick of the person's choosing (docs/irc.md "Your puppet's nick"; native irc.nick.set, XMPP ad-hoc
 * irc-nick), as BitlBee's and Biboumi's users choose theirs. The person chooses the `{name}` part only: the nick is
 * the network's template applied to it (nicks.ts, as for everyone's), so it always has the template's shape, and
 * other bridges, another Switchboard instance and this one's echo rules (bridge-nicks.ts) still know it for a
 * puppet's.
 *
 * Refused: a name that maps to no letter or digit, or whose nick the server's NICKLEN would cut (GW_ERR_BAD_ADDRESS:
 * a cut nick is not the one asked for); the gateway's own nick or a nick another person holds (GW_ERR_NICK_IN_USE:
 * every nick a person went by stays theirs, core/name-claims.ts); one matching `ignore_nicks`, other bridges' nicks
 * (GW_ERR_FORBIDDEN). Taken: the claim changes first, so that nobody else can take the nick meanwhile; a connected
 * puppet then sends NICK, and a refusal of the server undoes the claim. An empty name is the default nick again:
 * the first of the template's candidates (core/name-claims.ts) that is free or the person's own.
 */
import type { AdapterContext } from "../../core/adapter.js";
import { GatewayError, hasErrorCode } from "../../core/errors.js";
import { sameAddress, type Address } from "../../core/model/address.js";
import type { IrcNetworkConfig } from "../../config/config-types.js";
import { nickPattern } from "./bridge-nicks.js";
import type { GatewayNicks } from "./gateway-nicks.js";
import type { IrcConnection } from "./irc-connection.js";
import { isValidNick, nickFromTemplate, sameName } from "./nicks.js";
import type { PuppetPool } from "./puppet-pool.js";

/** Far beyond any NICKLEN: the nick a name makes before the server's limit is applied. */
const UNCUT = 1024;

/**
 * The nick `name` makes with the template on a server of this NICKLEN; GW_ERR_BAD_ADDRESS when it holds no letter
 * or digit a nick can carry, or the nick would not fit whole.
 */
export function chosenNick(template: string, name: string, network: string, nickLen: number): string {
  if (!/[A-Za-z0-9]/.test(name.normalize("NFKD"))) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `"${name}" has no letter or digit that an IRC nick can hold`);
  }
  const nick = nickFromTemplate(template, { name, network }, { nickLen: UNCUT });
  if (nick.length > nickLen || nickFromTemplate(template, { name, network }, { nickLen }) !== nick) {
    // What the template adds to a one-letter name: the rest of NICKLEN is the name's.
    const room = nickLen - (nickFromTemplate(template, { name: "a", network }, { nickLen: UNCUT }).length - 1);
    const advice = room > 0 ? `: choose a name of at most ${room} characters` : "";
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `${nick} is longer than the ${nickLen} characters a nick may have on ${network} (NICKLEN)${advice}`);
  }
  if (!isValidNick(nick, { nickLen })) throw new GatewayError("GW_ERR_BAD_ADDRESS", `${nick} is not a valid IRC nick`);
  return nick;
}

export interface PuppetNickChoiceParts {
  readonly config: IrcNetworkConfig;
  readonly context: AdapterContext;
  readonly nicks: GatewayNicks;
  readonly puppets: PuppetPool;
  /** The gateway's connection (its NICKLEN and case mapping); GW_ERR_UNAVAILABLE while the network is down. */
  requireMain(): IrcConnection;
}

export class PuppetNickChoice {
  private readonly ignored: readonly RegExp[];

  constructor(private readonly parts: PuppetNickChoiceParts) {
    this.ignored = parts.config.ignore_nicks.map((pattern) => nickPattern(pattern));
  }

  /** Makes `name` ("" for the default) the person's puppet nick, live when their puppet is connected; resolves with the nick. */
  async set(person: Address, name: string): Promise<string> {
    const { config, context, nicks, puppets } = this.parts;
    if (config.mode !== "puppets") throw new GatewayError("GW_ERR_UNSUPPORTED", `${context.account} is bridged in relay mode: nobody has a puppet there`);
    const main = this.parts.requireMain();
    const trimmed = name.trim();
    const chosen = trimmed === "" ? undefined : this.checked(person, chosenNick(config.puppets.nick_template, trimmed, context.account, main.server.nickLen), main);
    const choice = await context.names.choose(person, chosen === undefined ? nicks.puppetNickCandidates(person) : [chosen]).catch((error: unknown) => {
      if (chosen === undefined || !hasErrorCode(error, "GW_ERR_NICK_IN_USE")) throw error;
      throw new GatewayError("GW_ERR_NICK_IN_USE", `${chosen} is another person's nick on ${context.account}: a nick once someone's stays theirs`);
    });
    // Undone before an unanswered puppet quits (puppet-pool.ts): a connect right after reads the earlier nick.
    await puppets.rename(person, choice.name, () => context.names.undo(person, choice));
    context.log.info({ person: person.id, nick: choice.name, previous: choice.previous }, "puppet nick chosen");
    return choice.name;
  }

  /** The nick, unless it is the gateway's own, another bridge's (ignore_nicks) or another person's connected puppet's. */
  private checked(person: Address, nick: string, main: IrcConnection): string {
    const mapping = main.server.caseMapping;
    const { config, context, puppets } = this.parts;
    if (sameName(nick, main.nick, mapping) || sameName(nick, config.nick, mapping)) throw new GatewayError("GW_ERR_NICK_IN_USE", `${nick} is the gateway's own nick on ${context.account}`);
    if (this.ignored.some((pattern) => pattern.test(nick))) throw new GatewayError("GW_ERR_FORBIDDEN", `${nick} is kept for other bridges on ${context.account} (ignore_nicks)`);
    const holder = puppets.byNick(nick);
    if (holder && !sameAddress(holder.person, person)) throw new GatewayError("GW_ERR_NICK_IN_USE", `${nick} is another person's nick on ${context.account}`);
    return nick;
  }
}
