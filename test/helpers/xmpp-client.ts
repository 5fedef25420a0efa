/**
 * A real XMPP client (@xmpp/client over plaintext TCP to a loopback Prosody) for tests: logs in, sends
 * stanzas, and awaits stanzas by predicate, every wait with a timeout. It never reconnects: a test that loses
 * its connection should fail, not retry.
 */
import { readFileSync } from "node:fs";
import { client, xml, type Client } from "@xmpp/client";
import type { Element } from "ltx";
import type { ProsodyServer } from "./servers.js";

export type PresenceShow = "chat" | "away" | "xa" | "dnd";

interface Waiter {
  readonly match: (stanza: Element) => boolean;
  readonly resolve: (stanza: Element) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const DEFAULT_TIMEOUT_MS = 5000;

/** Direct TLS that trusts one certificate and checks it against the XMPP domain. */
function trustForDirectTls(xmpp: Client, domain: string, ca: string): void {
  const withParameters = xmpp as unknown as { socketParameters(service: string): object | undefined };
  const original = withParameters.socketParameters.bind(xmpp);
  withParameters.socketParameters = (service: string): object | undefined => {
    const parameters = original(service);
    return parameters === undefined ? undefined : { ...parameters, ca, servername: domain };
  };
}

export class XmppTestClient {
  /** Every stanza received that no waiter took, in order. */
  readonly received: Element[] = [];
  /** Every stanza received, in arrival order. */
  readonly transcript: Element[] = [];
  /** Errors the connection reported (a test may assert there were none). */
  readonly errors: Error[] = [];
  private readonly waiters = new Set<Waiter>();
  private nextId = 1;

  private constructor(
    readonly xmpp: Client,
    /** The full JID the server bound, e.g. "alice@localhost/test". */
    readonly jid: string,
  ) {
    xmpp.on("stanza", (stanza: Element) => this.onStanza(stanza));
  }

  /** The bare JID, e.g. "alice@localhost". */
  get bareJid(): string {
    return this.jid.split("/")[0] ?? this.jid;
  }

  /**
   * Connects to the server's c2s port without TLS and logs in. The server's low SCRAM iteration count keeps
   * this fast: @xmpp/client always chooses SCRAM-SHA-1 on a plaintext stream.
   *
   * A server with TLS would offer STARTTLS on that port, which @xmpp/client takes with no way to trust a test
   * certificate; such a server is reached on its direct TLS port instead, trusting its certificate.
   */
  static async connect(server: ProsodyServer, name: string, password: string, resource = "test", timeoutMs = DEFAULT_TIMEOUT_MS): Promise<XmppTestClient> {
    const tls = server.tls;
    const xmpp = client({
      service: tls ? `xmpps://${server.host}:${tls.directTlsPort}` : `xmpp://${server.host}:${server.c2sPort}`,
      domain: server.domain,
      username: name,
      password,
      resource,
      timeout: timeoutMs,
    });
    xmpp.reconnect.stop();
    if (tls) trustForDirectTls(xmpp, server.domain, readFileSync(tls.certificateFile, "utf8"));
    const errors: Error[] = [];
    const onError = (error: Error): void => void errors.push(error);
    xmpp.on("error", onError);
    // Listen before start(): stanzas can arrive as soon as the session is bound.
    const early: Element[] = [];
    const onEarly = (stanza: Element): void => void early.push(stanza);
    xmpp.on("stanza", onEarly);
    let timer: NodeJS.Timeout | undefined;
    try {
      const address = await Promise.race([
        xmpp.start(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no login as ${name}@${server.domain} within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      const test = new XmppTestClient(xmpp, address.toString());
      xmpp.off("stanza", onEarly);
      xmpp.off("error", onError);
      xmpp.on("error", (error: Error) => void test.errors.push(error));
      test.errors.push(...errors);
      for (const stanza of early) test.onStanza(stanza);
      return test;
    } catch (error: unknown) {
      await stopQuietly(xmpp);
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`XMPP login as ${name}@${server.domain} on port ${tls ? tls.directTlsPort : server.c2sPort} failed: ${reason}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** A new account on the server, logged in and available (its initial presence sent). */
  static async newUser(server: ProsodyServer, name: string, password: string): Promise<XmppTestClient> {
    await server.register(name, password);
    const client = await XmppTestClient.connect(server, name, password);
    await client.sendPresence();
    return client;
  }

  /** A fresh stanza id, unique within this client. */
  id(prefix = "t"): string {
    return `${prefix}${this.nextId++}`;
  }

  async send(element: Element): Promise<void> {
    await this.xmpp.send(element);
  }

  /** Sends a chat message (with an id, returned) to a JID. */
  async sendMessage(to: string, body: string, type = "chat"): Promise<string> {
    const id = this.id("m");
    await this.send(xml("message", { to, type, id }, xml("body", {}, body)));
    return id;
  }

  /** Broadcasts presence (RFC 6121 §4.2); no argument means plain "available". */
  async sendPresence(show?: PresenceShow, status?: string, priority?: number): Promise<void> {
    const children: Element[] = [];
    if (show !== undefined) children.push(xml("show", {}, show));
    if (status !== undefined) children.push(xml("status", {}, status));
    if (priority !== undefined) children.push(xml("priority", {}, String(priority)));
    await this.send(xml("presence", {}, ...children));
  }

  /**
   * Sends an iq get or set (an id is added if missing) and resolves with the result iq; rejects with the
   * error condition if the answer is type="error" (RFC 6120 §8.3).
   */
  async iq(element: Element, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Element> {
    const id = element.attrs["id"] === undefined ? this.id("iq") : String(element.attrs["id"]);
    element.attrs["id"] = id;
    await this.send(element);
    const answer = await this.waitFor(
      (stanza) => stanza.is("iq") && stanza.attrs["id"] === id && (stanza.attrs["type"] === "result" || stanza.attrs["type"] === "error"),
      timeoutMs,
      `the answer to iq ${id}`,
    );
    if (answer.attrs["type"] === "error") {
      const condition = answer.getChild("error")?.children.find((child): child is Element => typeof child !== "string")?.name ?? "unknown";
      throw new Error(`iq ${id} failed with ${condition}: ${answer.toString()}`);
    }
    return answer;
  }

  /** Resolves with the first stanza (already received or arriving) that matches. */
  waitFor(match: (stanza: Element) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS, what = "stanza"): Promise<Element> {
    const index = this.received.findIndex(match);
    if (index >= 0) return Promise.resolve(this.received.splice(index, 1)[0] as Element);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          const recent = this.received.slice(-5).map((stanza) => stanza.toString());
          reject(new Error(`${this.jid} timed out after ${timeoutMs} ms waiting for ${what}; received: ${recent.join("\n") || "nothing"}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** The next message (type chat or normal, with a body) from a bare or full JID. */
  waitForMessage(from: string, match: (message: Element) => boolean = () => true, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Element> {
    return this.waitFor(
      (stanza) => stanza.is("message") && stanza.getChild("body") !== undefined && sameEntity(String(stanza.attrs["from"]), from) && match(stanza),
      timeoutMs,
      `a message from ${from}`,
    );
  }

  /** The next presence from a bare or full JID. */
  waitForPresence(from: string, match: (presence: Element) => boolean = () => true, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Element> {
    return this.waitFor(
      (stanza) => stanza.is("presence") && sameEntity(String(stanza.attrs["from"]), from) && match(stanza),
      timeoutMs,
      `a presence from ${from}`,
    );
  }

  /** Closes the stream (bounded by the connection timeout). Safe to call twice. */
  async stop(): Promise<void> {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`${this.jid} stopped while a test was waiting`));
    }
    this.waiters.clear();
    await stopQuietly(this.xmpp);
  }

  private onStanza(stanza: Element): void {
    this.transcript.push(stanza);
    for (const waiter of this.waiters) {
      if (waiter.match(stanza)) {
        clearTimeout(waiter.timer);
        this.waiters.delete(waiter);
        waiter.resolve(stanza);
        return;
      }
    }
    this.received.push(stanza);
  }
}

/**
 * Makes two users mutual roster contacts the usual XMPP way (RFC 6121 section 3), each asking and the other
 * approving, and waits until each asker's server recorded the approval. Both must have fetched their roster
 * (a session that did is "interested", section 2.1.6, and gets roster pushes).
 */
export async function befriend(a: XmppTestClient, b: XmppTestClient): Promise<void> {
  for (const [asker, asked] of [[b, a], [a, b]] as const) {
    await asker.send(xml("presence", { to: asked.bareJid, type: "subscribe" }));
    await asked.waitFor((stanza) => stanza.is("presence") && stanza.attrs["type"] === "subscribe", 5000, "a subscription request");
    await asked.send(xml("presence", { to: asker.bareJid, type: "subscribed" }));
    // The asker's server records the approval with a roster push (RFC 6121 section 3.1.6).
    const approved = (stanza: Element): boolean =>
      stanza.is("iq") &&
      stanza.attrs["type"] === "set" &&
      (stanza.getChild("query", "jabber:iq:roster")?.getChildren("item") ?? []).some((item) => item.attrs["jid"] === asked.bareJid && ["to", "both"].includes(String(item.attrs["subscription"])));
    await asker.waitFor(approved, 5000, "the roster push of the approval");
  }
}

/** A full JID matches itself; a bare JID matches any of its resources. */
function sameEntity(jid: string, wanted: string): boolean {
  return wanted.includes("/") ? jid === wanted : jid === wanted || jid.startsWith(`${wanted}/`);
}

async function stopQuietly(xmpp: Client): Promise<void> {
  xmpp.reconnect.stop();
  if (xmpp.status === "offline") return;
  try {
    await xmpp.stop();
  } catch {
    // The stream may already be gone (server stopped); the socket is closed either way.
  }
}

/**
 * The daemon's delivery barrier (stanza-confirmer.ts) written after a stanza containing `text`, for
 * TcpGate.oneClientWrote: the barrier's id is the first group.
 */
export function xmppBarrierAfter(text: string): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`${escaped}[\\s\\S]*?<iq [^>]*id=["'](sb-barrier-[0-9a-z-]+)["']`);
}

/** The server's answer to (or, in component mode, its return of) the barrier with this id, for TcpGate.serverWrote. */
export function xmppBarrierAnswer(id: string): RegExp {
  return new RegExp(`<iq [^>]*id=["']${id}["']`);
}
