/**
 * Watching a registration: which received line ends it, how, and with which error (pure; the connection
 * acts on the steps). irc-framework sends CAP LS 302, PASS, NICK, USER and runs CAP and SASL; this decides.
 *
 * - Registered: RPL_WELCOME (001), then ready at the end of the MOTD (376) or ERR_NOMOTD (422), since
 *   ISUPPORT (005) comes between them (RFC 2812 section 5.1, modern.ircdocs.horse "Connection Registration").
 * - Nick taken before 001 (433 ERR_NICKNAMEINUSE, 436 ERR_NICKCOLLISION, 437 ERR_UNAVAILRESOURCE): the
 *   next of nicks.ts nextNickCandidate(nick, attempt); GW_ERR_NICK_IN_USE once `maxNickAttempts` nicks (the
 *   configured one included) were refused. The server's NICKLEN is not known before 005, so candidates keep
 *   to the configured nick's length (at least RFC 2812's 9): the server accepted that length when it
 *   answered "in use" rather than 432.
 * - Wrong server password: 464 ERR_PASSWDMISMATCH (RFC 2812), or, when a password was sent, an ERROR
 *   before 001: GW_ERR_AUTH_FAILED. Neither test server sends 464: ngIRCd 26 closes at once with "ERROR
 *   :Access denied: Bad password?", InspIRCd 3 (the password belongs to its connect classes) about 1 s
 *   later with "ERROR :Closing link: (user@host) [Access denied by configuration]". An ERROR that
 *   reads like a passing refusal (throttled, too many connections, restarting), or any ERROR when no
 *   password was sent, is GW_ERR_UNAVAILABLE, retryable.
 * - SASL (https://ircv3.net/specs/extensions/sasl-3.1 and -3.2): success is 903 RPL_SASLSUCCESS; 902
 *   ERR_NICKLOCKED, 904 ERR_SASLFAIL, 905 ERR_SASLTOOLONG, 906 ERR_SASLABORTED and 908 RPL_SASLMECHS (the
 *   mechanism is not offered) are GW_ERR_AUTH_FAILED. When SASL is configured the connection never goes
 *   on without it: a server whose final CAP LS has no "sasl" is GW_ERR_UNAVAILABLE, retryable (networks
 *   withdraw the cap while services are away), with condition SASL_UNAVAILABLE; one whose "sasl=" list
 *   lacks the mechanism is GW_ERR_AUTH_FAILED (SASL_MECHANISM); and a 001 without 903 before it is
 *   GW_ERR_AUTH_FAILED (SASL_INCOMPLETE). irc-framework itself would register unauthenticated in each case.
 * - 432 ERR_ERRONEUSNICKNAME: GW_ERR_BAD_ADDRESS; 465 ERR_YOUREBANNEDCREEP: GW_ERR_FORBIDDEN.
 * - WEBIRC refused (condition WEBIRC_REFUSED, GW_ERR_AUTH_FAILED, not retryable): servers answer a wrong password
 *   or an unlisted gateway IP differently. ngIRCd 26 sends 464; InspIRCd 3.15 (cgiirc) closes with "ERROR :Closing
 *   link: (...) [WEBIRC: you don't match any configured WebIRC hosts.]"; a server without WEBIRC answers 421
 *   ERR_UNKNOWNCOMMAND. The host a welcome (001) shows is not checked: networks that cloak hosts show a cloak there.
 */
import { GatewayError } from "../../core/errors.js";
import type { IrcLine } from "./irc-line.js";
import { RFC2812_NICKLEN, nextNickCandidate } from "./nicks.js";

export const DEFAULT_MAX_NICK_ATTEMPTS = 10;

export type SaslMechanism = "PLAIN" | "EXTERNAL";

export interface RegistrationOptions {
  readonly nick: string;
  readonly maxNickAttempts?: number;
  /** Set when SASL must succeed before registration. */
  readonly sasl?: SaslMechanism;
  /** True when a server password (PASS) is sent. */
  readonly password: boolean;
  /** The host and IP sent with WEBIRC, when it is sent. */
  readonly webirc?: { readonly host: string; readonly ip: string };
}

export type RegistrationStep =
  | { readonly kind: "continue" }
  | { readonly kind: "fail"; readonly error: GatewayError }
  | { readonly kind: "retry-nick"; readonly nick: string; readonly attempt: number }
  | { readonly kind: "registered"; readonly nick: string }
  | { readonly kind: "ready" };

const CONTINUE: RegistrationStep = { kind: "continue" };

/** ERROR texts of refusals that pass (connection throttles, limits, restarts), whatever the password. */
const TRANSIENT_REFUSAL = /throttl|too many|too fast|flood|try again|reconnect|server (is )?full|restart|shutting down/i;

const SASL_FAILURES: Readonly<Record<string, string>> = {
  "902": "ERR_NICKLOCKED",
  "904": "ERR_SASLFAIL",
  "905": "ERR_SASLTOOLONG",
  "906": "ERR_SASLABORTED",
  "908": "RPL_SASLMECHS",
};

function lastParam(line: IrcLine): string {
  return line.params[line.params.length - 1] ?? "";
}

export class IrcRegistration {
  private attempt = 0;
  private readonly nickLen: number;
  private readonly maxNickAttempts: number;
  private readonly offered = new Map<string, string>();
  private saslDone = false;
  private registered = false;

  constructor(private readonly options: RegistrationOptions) {
    this.nickLen = Math.max(RFC2812_NICKLEN, options.nick.length);
    this.maxNickAttempts = options.maxNickAttempts ?? DEFAULT_MAX_NICK_ATTEMPTS;
  }

  /** The caps the server offered (CAP LS), name -> value ("" when none). */
  get offeredCaps(): ReadonlyMap<string, string> {
    return this.offered;
  }

  onLine(line: IrcLine): RegistrationStep {
    switch (line.command) {
      case "CAP":
        return line.params[1] === "LS" ? this.capLs(line) : CONTINUE;
      case "903":
        this.saslDone = true;
        return CONTINUE;
      case "902":
      case "904":
      case "905":
      case "906":
      case "908":
        return this.options.sasl === undefined ? CONTINUE : this.saslFailed(line);
      case "001":
        return this.welcome(line);
      case "433":
      case "436":
      case "437":
        return this.registered ? CONTINUE : this.nickTaken(line);
      case "432":
        if (this.registered) return CONTINUE;
        return fail("GW_ERR_BAD_ADDRESS", `the server refuses the nick "${line.params[1] ?? this.options.nick}": ${lastParam(line)}`, "ERR_ERRONEUSNICKNAME", false);
      case "421":
        // A server without WEBIRC says so: the puppet would come from the gateway's own host, which the operator ruled out.
        if (this.options.webirc !== undefined && line.params[1]?.toUpperCase() === "WEBIRC") return webircRefused("the server does not know the WEBIRC command");
        return CONTINUE;
      case "464":
        if (this.options.webirc !== undefined && !this.options.password) return webircRefused(`the server answered ${lastParam(line)}`);
        return fail("GW_ERR_AUTH_FAILED", `the server password was refused: ${lastParam(line)}`, "ERR_PASSWDMISMATCH", false);
      case "465":
        return fail("GW_ERR_FORBIDDEN", `the server bans this connection: ${lastParam(line)}`, "ERR_YOUREBANNEDCREEP", false);
      case "ERROR":
        return this.error(line);
      case "376":
      case "422":
        return this.registered ? { kind: "ready" } : CONTINUE;
      default:
        return CONTINUE;
    }
  }

  private capLs(line: IrcLine): RegistrationStep {
    for (const token of lastParam(line).split(" ")) {
      if (token === "") continue;
      const equals = token.indexOf("=");
      this.offered.set(equals < 0 ? token : token.slice(0, equals), equals < 0 ? "" : token.slice(equals + 1));
    }
    // CAP LS 302 continues over lines marked "CAP <nick> LS * :caps" (ircv3 capability-negotiation).
    const more = line.params.length >= 4 && line.params[2] === "*";
    const mechanism = this.options.sasl;
    if (more || mechanism === undefined) return CONTINUE;
    const mechanisms = this.offered.get("sasl");
    if (mechanisms === undefined) {
      const error = new GatewayError("GW_ERR_UNAVAILABLE", `SASL ${mechanism} is configured but the server does not offer SASL (no "sasl" in CAP LS); not registering without it`, {
        retryable: true,
        condition: "SASL_UNAVAILABLE",
      });
      return { kind: "fail", error };
    }
    const list = mechanisms.split(",").map((name) => name.trim().toUpperCase());
    if (mechanisms !== "" && !list.includes(mechanism)) {
      return fail("GW_ERR_AUTH_FAILED", `SASL ${mechanism} is configured but the server offers only ${list.join(", ")}`, "SASL_MECHANISM", false);
    }
    return CONTINUE;
  }

  private saslFailed(line: IrcLine): RegistrationStep {
    const name = SASL_FAILURES[line.command] ?? line.command;
    const detail = line.command === "908" ? `the server offers ${line.params[1] ?? "other mechanisms"}` : lastParam(line);
    return fail("GW_ERR_AUTH_FAILED", `SASL ${this.options.sasl ?? ""} authentication failed (${line.command} ${name}): ${detail}`, name, false);
  }

  private welcome(line: IrcLine): RegistrationStep {
    if (this.registered) return CONTINUE;
    if (this.options.sasl !== undefined && !this.saslDone) {
      return fail("GW_ERR_AUTH_FAILED", `the server registered the connection without completing SASL ${this.options.sasl}`, "SASL_INCOMPLETE", false);
    }
    this.registered = true;
    return { kind: "registered", nick: line.params[0] ?? this.options.nick };
  }

  private nickTaken(line: IrcLine): RegistrationStep {
    const taken = line.params[1] ?? "";
    this.attempt += 1;
    if (this.attempt >= this.maxNickAttempts) {
      return fail("GW_ERR_NICK_IN_USE", `every nick tried is taken (${this.maxNickAttempts} tries, the last "${taken}")`, "ERR_NICKNAMEINUSE", true);
    }
    try {
      return { kind: "retry-nick", nick: nextNickCandidate(this.options.nick, this.attempt, this.nickLen), attempt: this.attempt };
    } catch (error: unknown) {
      if (error instanceof GatewayError) return { kind: "fail", error };
      throw error;
    }
  }

  private error(line: IrcLine): RegistrationStep {
    const text = lastParam(line);
    if (this.options.webirc !== undefined && /webirc/i.test(text)) return webircRefused(`the server closed the connection: ${text}`);
    if (this.options.password && !TRANSIENT_REFUSAL.test(text)) {
      return fail("GW_ERR_AUTH_FAILED", `the server closed the connection after the server password (PASS), which it probably refused: ${text}`, "ERROR", false);
    }
    return fail("GW_ERR_UNAVAILABLE", `the server closed the connection before registration: ${text}`, "ERROR", true);
  }
}

function webircRefused(detail: string): RegistrationStep {
  return fail("GW_ERR_AUTH_FAILED", `WEBIRC was refused (check irc.networks[].webirc: its password and gateway name, and that the server's WEBIRC block lists the gateway's IP): ${detail}`, "WEBIRC_REFUSED", false);
}

function fail(code: GatewayError["code"], message: string, condition: string, retryable: boolean): RegistrationStep {
  return { kind: "fail", error: new GatewayError(code, message, { retryable, condition }) };
}
