/**
 * When a linked account's server is handing over the chats it kept while the account was unavailable (XEP-0160):
 * from the account's available presence after unavailability until the server answers a ping sent right after it.
 * RFC 6121 section 8.5.2.1.1 and XEP-0160 section 3: the server delivers what it kept upon that presence, so those
 * chats come before the ping's answer on the stream, which the server handles in order.
 *
 * Why it matters: the delay her server adds to a kept chat (`from` its domain) tells when it was said, but a
 * contact's client may write the very same element on a live chat, to backdate her line. Only a chat that arrives
 * in this window may carry her server's delay (account-inbound.ts); one written live in it, in the round trip
 * after her presence, is the remaining chance, and it can only backdate, never hide, a line.
 */
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { NS } from "./stanzas.js";

/** The iq whose answer closes the window: anything the server answers, a result or an error, will do. */
export function flushPing(domain: string): Element {
  return xml("iq", { type: "get", to: domain }, xml("ping", { xmlns: NS.ping }));
}

export class OfflineDelivery {
  private pending = 0;

  /** Whether kept chats may be arriving now. */
  get delivering(): boolean {
    return this.pending > 0;
  }

  /** Opens the window now (before the available presence is written); closed once `answered` settles. */
  during(answered: () => Promise<unknown>): void {
    this.pending += 1;
    void answered()
      .catch(() => undefined)
      .finally(() => {
        this.pending -= 1;
      });
  }
}
