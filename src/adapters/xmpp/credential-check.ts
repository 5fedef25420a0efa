/**
 * Whether a linked account's credentials log in now, without disturbing the gateway's session of the same account
 * that may be running: a connection of its own under another resource (two sessions with one resource would end
 * each other), closed as soon as the login is done, with no presence sent, so that no contact sees it. With the
 * same protections as every client-mode connection (client-connection.ts) and the same refusal of internal hosts
 * (service-host.ts). Used to re-link an account with a new password (core/linked-accounts.ts).
 */
import { randomBytes } from "node:crypto";
import { closeQuietly, startConnection } from "./connection-lifecycle.js";
import { openClientConnection } from "./client-connection.js";
import { checkEncrypted, loginError } from "./client-login.js";
import { checkServiceHost } from "./service-host.js";

export interface CredentialsToCheck {
  readonly service: string;
  /** The bare JID. */
  readonly jid: string;
  readonly password: string;
  readonly internalHosts: readonly string[];
}

/** Resolves once the server took the login; rejects with a GatewayError (GW_ERR_AUTH_FAILED for a refused password). */
export async function checkCredentials(account: CredentialsToCheck, resource: string, timeoutMs: number): Promise<void> {
  await checkServiceHost(account.service, account.internalHosts);
  const connection = openClientConnection({ service: account.service, jid: account.jid, password: account.password, resource: `${resource}-check-${randomBytes(4).toString("hex")}` });
  // Reported through the login's rejection (startConnection); without a listener an error event would end the process.
  connection.on("error", () => undefined);
  try {
    await startConnection(connection, timeoutMs);
    checkEncrypted(connection.isSecure(), account.service);
  } catch (error: unknown) {
    throw loginError(error, account.jid);
  } finally {
    await closeQuietly(connection);
  }
}
