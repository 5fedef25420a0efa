/**
 * The one place the XEP-0114 component connection is built with @xmpp/component, with the gateway's settings:
 * - @xmpp/reconnect is stopped: the supervisor is the only reconnect loop.
 * - The stream parser is the guarded one (safe-parser.ts): restricted XML closes the stream, never the process.
 * - Only iq stanzas go through @xmpp/middleware. It builds a context for every incoming element, parsing its
 *   `from` and `to` with @xmpp/jid (XEP-0106 detection included), which costs about 8% of the daemon's CPU on
 *   the XMPP -> native path (docs/performance.md); its only users here are the iq caller and callee (disco,
 *   version, ping). Messages and presences reach ComponentInbound through the "stanza" event untouched.
 * - TCP_NODELAY (connection-lifecycle.ts writeWithoutDelay).
 * - An iq that `consumed` claims (the adapter's own delivery barriers coming back, stanza-confirmer.ts) goes
 *   no further: the middleware would answer it as a ping from someone.
 */
import { component, type Component } from "@xmpp/component";
import type { Element } from "ltx";
import { writeWithoutDelay } from "./connection-lifecycle.js";
import { guardedParser } from "./safe-parser.js";

export interface ComponentConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly domain: string;
  readonly secret: string;
}

type ElementListener = (element: Element) => unknown;

export function openComponentConnection(options: ComponentConnectionOptions, consumed: (iq: Element) => boolean = () => false): Component {
  const connection = component({ service: `xmpp://${options.host}:${options.port}`, domain: options.domain, password: options.secret });
  connection.reconnect.stop();
  writeWithoutDelay(connection);
  connection.Parser = guardedParser(connection.Parser);
  // @xmpp/component registers exactly one "element" listener, the middleware's (checked by a unit test).
  for (const listener of connection.listeners("element") as ElementListener[]) {
    connection.off("element", listener);
    connection.on("element", (element: Element) => (element.name === "iq" && !consumed(element) ? listener(element) : undefined));
  }
  return connection;
}
