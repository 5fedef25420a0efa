/**
 * The one place client-mode connections (bridge bots, linked accounts) are built with @xmpp/client, so that
 * each gets the same protections:
 * - @xmpp/reconnect is stopped: the supervisor is the only reconnect loop.
 * - The stream parser is the guarded one (safe-parser.ts). @xmpp/client-core's connect() assigns the chosen
 *   transport's Parser to the instance, which would silently replace a guard set beforehand; the instance's
 *   `Parser` is therefore an accessor that wraps whatever is assigned to it.
 * - TCP_NODELAY (connection-lifecycle.ts writeWithoutDelay).
 * - Credentials are offered only on an encrypted stream, or to loopback (client-login.ts).
 * - Direct TLS (`xmpps://`, XEP-0368) checks the server's certificate against the XMPP domain, as STARTTLS
 *   does (RFC 6120 section 13.7.2.1; @xmpp/tls would check the service's host name instead, which for
 *   `xmpps://xmpp.example.net` serving `example.org` is the wrong identity). Certificates are always verified
 *   against Node's CA store; a private CA is added with NODE_EXTRA_CA_CERTS (docs/xmpp.md).
 */
import { client, type Client, type Options } from "@xmpp/client";
import { guardedCredentials } from "./client-login.js";
import { writeWithoutDelay } from "./connection-lifecycle.js";
import { guardedParser, type StreamParserClass } from "./safe-parser.js";

/** @types/xmpp__sasl types the credentials callback with one argument; @xmpp/sasl 0.14 passes the mechanism too. */
type CredentialsFactory = NonNullable<Options["credentials"]>;

export interface ClientConnectionOptions {
  /** xmpp://host:port (STARTTLS when offered) or xmpps://host:port (direct TLS). */
  readonly service: string;
  /** The bare JID to log in as. */
  readonly jid: string;
  readonly password: string;
  readonly resource: string;
}

interface SocketParameters {
  readonly host?: string;
  readonly port?: number;
  readonly servername?: string;
}

interface TransportInternals {
  Parser: StreamParserClass | null;
  socketParameters(service: string): SocketParameters | undefined;
}

/** Splits a bare JID into its local part and domain. */
export function jidParts(jid: string): { readonly local: string; readonly domain: string } {
  const at = jid.indexOf("@");
  return at < 0 ? { local: "", domain: jid } : { local: jid.slice(0, at), domain: jid.slice(at + 1) };
}

export function openClientConnection(options: ClientConnectionOptions): Client {
  const { local, domain } = jidParts(options.jid);
  const connection = client({
    service: options.service,
    domain,
    resource: options.resource,
    credentials: guardedCredentials(local, options.password, options.service) as unknown as CredentialsFactory,
  });
  connection.reconnect.stop();
  writeWithoutDelay(connection);
  const internals = connection as unknown as TransportInternals;

  const guard = (base: StreamParserClass | null): StreamParserClass | null => (base === null ? null : guardedParser(base));
  let parser = guard(internals.Parser);
  Object.defineProperty(connection, "Parser", {
    configurable: true,
    get: (): StreamParserClass | null => parser,
    set: (base: StreamParserClass | null): void => {
      parser = guard(base);
    },
  });

  const transportParameters = internals.socketParameters.bind(connection);
  internals.socketParameters = (service: string): SocketParameters | undefined => {
    const parameters = transportParameters(service);
    return parameters !== undefined && service.startsWith("xmpps:") ? { ...parameters, servername: domain } : parameters;
  };
  return connection;
}
