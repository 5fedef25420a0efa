/**
 * What one connection knows about itself and its server from received lines: the ISUPPORT tokens
 * (irc-isupport.ts), its own nick (001, then NICK changes of itself), and its user name and host as the
 * server shows them to others, which split-message.ts needs for the exact overhead of a relayed line
 * (":nick!user@host PRIVMSG target :"). Sources: the 001 text "... nick!user@host" (RFC 2812 section 5.1),
 * 396 RPL_VISIBLEHOST (a cloak), our own JOIN echo, WHO replies (352, WHOX 354) about us, and IRCv3 CHGHOST.
 */
import { WHOX_TOKEN } from "./irc-events.js";
import { applyIsupport, serverInfoFrom, type IrcServerInfo } from "./irc-isupport.js";
import type { IrcLine } from "./irc-line.js";
import { sameName } from "./nicks.js";

export class IrcOwnState {
  nick: string;
  user: string | undefined;
  host: string | undefined;
  server: IrcServerInfo = serverInfoFrom(new Map());
  private readonly tokens = new Map<string, string>();

  constructor(nick: string) {
    this.nick = nick;
  }

  /** True when `nick` is ours, by the server's case mapping. */
  isSelf(nick: string | undefined): boolean {
    return nick !== undefined && sameName(nick, this.nick, this.server.caseMapping);
  }

  apply(line: IrcLine): void {
    const { params } = line;
    switch (line.command) {
      case "001": {
        if (params[0] !== undefined) this.nick = params[0];
        const mask = /(\S+)!(\S+)@(\S+)$/.exec(params[params.length - 1] ?? "");
        if (mask && this.isSelf(mask[1])) this.setOwn(mask[2], mask[3]);
        break;
      }
      case "005":
        applyIsupport(this.tokens, params);
        this.server = serverInfoFrom(this.tokens);
        break;
      case "396":
        this.setOwn(undefined, params[1]);
        break;
      case "NICK":
        if (this.isSelf(line.source?.nick) && params[0] !== undefined) this.nick = params[0];
        break;
      case "JOIN":
        if (this.isSelf(line.source?.nick)) this.setOwn(line.source?.user, line.source?.host);
        break;
      case "CHGHOST":
        if (this.isSelf(line.source?.nick)) this.setOwn(params[0], params[1]);
        break;
      case "352":
        if (this.isSelf(params[5])) this.setOwn(params[2], params[3]);
        break;
      case "354":
        if (params[1] === WHOX_TOKEN && this.isSelf(params[4])) this.setOwn(params[2], params[3]);
        break;
    }
  }

  private setOwn(user: string | undefined, host: string | undefined): void {
    if (user !== undefined && user !== "") this.user = user;
    if (host !== undefined && host !== "") this.host = host;
  }
}
