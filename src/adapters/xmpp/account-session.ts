/**
 * The one connection of a linked account (user-adapter.ts): its login, its writes, the delivery barriers that
 * confirm its chats (stanza-confirmer.ts), and its loss. Like the bridge bot: @xmpp/reconnect stopped (the supervisor
 * reconnects), the guarded parser, a login raced against the connection's first error, and an unencrypted connection
 * only to a loopback address. What the account does once logged in, and forgets when the connection goes, is the
 * adapter's (SessionHooks).
 */
import type { Client } from "@xmpp/client";
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import { GatewayError } from "../../core/errors.js";
import { checkEncrypted, loginError } from "./client-login.js";
import { jidParts, openClientConnection } from "./client-connection.js";
import { ServerPingConfirmer } from "./stanza-confirmer.js";
import { closeQuietly, startConnection } from "./connection-lifecycle.js";
import { checkServiceHost } from "./service-host.js";
import { USER_RESOURCE, type XmppUserAccount } from "./user-account.js";

export const LOGIN_TIMEOUT_MS = 15_000;

export interface SessionHooks {
  /** Every stanza but the answers to the delivery barriers. */
  stanza(stanza: Element): void;
  /** The connection is made, not logged in yet: listeners of its own (the roster's pushes). */
  opened(connection: Client): void;
  /** Logged in, before the account counts as online: what a login brings (the roster, carbons, the MUCs again). */
  loggedIn(connection: Client): Promise<void>;
  /** The connection is gone (lost or stopped): what depended on it is forgotten. */
  forget(): void;
}

export class AccountSession {
  private connection: Client | undefined;
  online = false;
  stopping = false;
  /** A chat counts as delivered once the account's server proved it read it (stanza-confirmer.ts). */
  readonly confirmer: ServerPingConfirmer;

  constructor(
    private readonly config: XmppUserAccount,
    private readonly context: AdapterContext,
    private readonly hooks: SessionHooks,
  ) {
    this.confirmer = new ServerPingConfirmer(jidParts(config.jid).domain, (element) => this.write(element), { unanswered: () => this.deadLink() });
  }

  async start(): Promise<Client> {
    this.stopping = false;
    // The user chose the server: the gateway's own and its network's machines are not theirs to reach.
    await checkServiceHost(this.config.service, this.config.internalHosts);
    const connection = openClientConnection({ service: this.config.service, jid: this.config.jid, password: this.config.password, resource: USER_RESOURCE });
    // The message only: a SASL error carries the whole stanza, with circular references.
    connection.on("error", (error: Error) => this.context.log.warn({ reason: error.message, jid: this.config.jid }, "XMPP account connection error"));
    connection.on("stanza", (stanza: Element) => this.stanza(stanza));
    connection.on("offline", () => this.lost());
    connection.on("disconnect", () => this.lost());
    this.hooks.opened(connection);
    this.connection = connection;
    try {
      await startConnection(connection, LOGIN_TIMEOUT_MS);
      checkEncrypted(connection.isSecure(), this.config.service);
      if (this.stopping) throw new GatewayError("GW_ERR_UNAVAILABLE", "stopped while logging in", { retryable: true });
      this.online = true;
      await this.hooks.loggedIn(connection);
    } catch (error: unknown) {
      this.online = false;
      this.confirmer.failAll();
      await this.close();
      throw loginError(error, this.config.jid);
    }
    return connection;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // What the server reads before the close is confirmed, not sent again after a restart.
    if (this.online) await this.confirmer.finalBarrier();
    this.online = false;
    this.confirmer.failAll();
    this.hooks.forget();
    await this.close();
  }

  connected(): Client {
    if (!this.connection || !this.online) throw new GatewayError("GW_ERR_UNAVAILABLE", `the XMPP account ${this.config.jid} is not connected`, { retryable: true });
    return this.connection;
  }

  async write(element: Element): Promise<void> {
    const connection = this.connected();
    try {
      await connection.send(element);
    } catch (error: unknown) {
      throw new GatewayError("GW_ERR_UNAVAILABLE", `the XMPP connection of ${this.config.jid} failed: ${(error as Error).message}`, { cause: error, retryable: true });
    }
  }

  private stanza(stanza: Element): void {
    if (this.confirmer.consumed(stanza)) return;
    this.hooks.stanza(stanza);
  }

  private async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    await closeQuietly(connection);
  }

  /** A barrier went unanswered (stanza-confirmer.ts): the link is dead though its socket is not closed yet. */
  private deadLink(): void {
    this.context.log.warn({ jid: this.config.jid }, "the XMPP server did not answer a delivery barrier: reconnecting");
    this.lost();
  }

  private lost(): void {
    this.confirmer.failAll(); // also while stopping: a stop waiting for its last barrier on a dead connection goes on
    if (!this.online || this.stopping) return;
    this.online = false;
    this.hooks.forget();
    this.context.log.warn({ jid: this.config.jid }, "XMPP account connection lost");
    this.context.setStatus("offline", new Error("connection to the XMPP server lost"));
  }
}
