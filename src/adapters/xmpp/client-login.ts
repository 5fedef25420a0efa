/**
 * What the client-mode adapters (bridge bots, linked accounts) share about logging in with @xmpp/client:
 * the rule that a connection left unencrypted is accepted only to a loopback address, and how a failed login
 * becomes a coded error (a refused password is not a network failure).
 */
import { GatewayError } from "../../core/errors.js";
import { isLoopbackHost } from "../../util/loopback.js";
import { serviceHost } from "./service-host.js";

/** Refuses (GW_ERR_FORBIDDEN) a connection that ended up unencrypted to anything but a loopback address. */
export function checkEncrypted(secure: boolean, service: string): void {
  const { host } = serviceHost(service);
  if (!secure && !isLoopbackHost(host)) {
    throw new GatewayError("GW_ERR_FORBIDDEN", `refusing an unencrypted connection to ${host}: use xmpps:// or a server that offers STARTTLS`);
  }
}

/**
 * A failed login as a GatewayError: SASL refusing the credentials (RFC 6120 section 6.5, an @xmpp/sasl
 * SASLError such as not-authorized) is GW_ERR_AUTH_FAILED; anything else (refused connection, timeout,
 * stream error) is GW_ERR_UNAVAILABLE, worth retrying.
 */
export function loginError(error: unknown, jid: string): GatewayError {
  if (error instanceof GatewayError) return error;
  const name = error instanceof Error ? error.name : "";
  const condition = (error as { condition?: unknown } | undefined)?.condition;
  const reason = error instanceof Error ? error.message : String(error);
  if (name === "SASLError") {
    return new GatewayError("GW_ERR_AUTH_FAILED", `the XMPP server refused the login of ${jid} (${reason})`, {
      cause: error,
      ...(typeof condition === "string" ? { condition } : {}),
    });
  }
  const why = reason.trim() === "" ? "the server ended the connection before the login" : reason;
  return new GatewayError("GW_ERR_UNAVAILABLE", `cannot log in to XMPP as ${jid}: ${why}`, { cause: error, retryable: true });
}

type SaslDone = (credentials: { username: string; password: string }, mechanism: string) => Promise<void>;

/**
 * The credentials callback of @xmpp/sasl, which runs after the stream is negotiated and before anything about
 * the password leaves: an unencrypted connection to anything but loopback is refused there, so credentials
 * are never offered on it. The mechanism is chosen as @xmpp/client does (never PLAIN without encryption).
 */
export function guardedCredentials(username: string, password: string, service: string) {
  return async (done: SaslDone, mechanisms: readonly string[], _fast: unknown, entity: { isSecure(): boolean }): Promise<void> => {
    const secure = entity.isSecure();
    checkEncrypted(secure, service);
    const mechanism = secure ? mechanisms[0] : mechanisms.find((candidate) => candidate !== "PLAIN");
    if (mechanism === undefined) throw new GatewayError("GW_ERR_FORBIDDEN", "the XMPP server offers no login mechanism usable without encryption");
    await done({ username, password }, mechanism);
  };
}
