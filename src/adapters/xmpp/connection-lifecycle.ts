/**
 * Starting and closing @xmpp connections safely, for every XMPP adapter.
 */

/** What startConnection uses of an @xmpp/connection (client 0.14 and component 0.13 alike). */
export interface StartableConnection {
  readonly status: string;
  readonly options: { readonly service?: string | undefined; readonly domain?: string | undefined; readonly lang?: string | undefined };
  connect(service: string): Promise<unknown>;
  open(options: { domain: string; lang?: string | undefined }): Promise<unknown>;
  once(event: "online", listener: () => void): unknown;
  once(event: "error", listener: (error: Error) => void): unknown;
  once(event: "disconnect", listener: () => void): unknown;
  off(event: "online", listener: () => void): unknown;
  off(event: "error", listener: (error: Error) => void): unknown;
  off(event: "disconnect", listener: () => void): unknown;
}

/**
 * Starts a connection as @xmpp/connection's start() does (socket, stream header, then whatever its middleware
 * negotiates: a client's login, a component's handshake) and resolves once it is online. Rejects with the
 * connection's first error, or after `timeoutMs`: a refused login or handshake is only an "error" event, and
 * start() would wait for "online" forever.
 *
 * Not start() itself: it makes its promise of "online", which rejects on the first "error", before it opens the
 * stream, and drops it when the opening fails. A server that resets the connection then (ECONNRESET, as on every
 * retry against a server that refuses service) rejects both with the same "error" event, and the dropped one
 * with nobody listening: an unhandled rejection per failed attempt (xmpp.js issue #878). Here every promise made
 * is awaited, and the listeners go with the attempt.
 */
export async function startConnection(connection: StartableConnection, timeoutMs: number): Promise<void> {
  if (connection.status !== "offline") throw new Error(`the XMPP connection is ${connection.status}, not offline`);
  const { service, domain, lang } = connection.options;
  if (service === undefined || domain === undefined) throw new Error("the XMPP connection has no service or domain");
  let forget = (): void => undefined;
  const online = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const onOnline = (): void => resolve();
    const onError = (error: Error): void => reject(error);
    // A server that closes the socket cleanly before the session is open emits no "error": without this, the
    // attempt would fail only by @xmpp's own timeout, a TimeoutError with no message (a retry line with no reason).
    const onDisconnect = (): void => reject(new Error("the XMPP server closed the connection before the session was open"));
    connection.once("online", onOnline);
    connection.once("error", onError);
    connection.once("disconnect", onDisconnect);
    forget = () => {
      clearTimeout(timer);
      connection.off("online", onOnline);
      connection.off("error", onError);
      connection.off("disconnect", onDisconnect);
    };
  });
  const opened = (async (): Promise<void> => {
    await connection.connect(service);
    await connection.open({ domain, lang });
  })();
  try {
    // Both handled whichever settles first: a failed opening usually comes with the "error" that rejects `online`.
    await Promise.race([opened.then(() => online), online]);
  } catch (error) {
    throw withReason(error);
  } finally {
    forget();
  }
}

/** @xmpp's TimeoutError has no message; the supervisor's retry line shows the message as the reason. */
function withReason(error: unknown): unknown {
  if (!(error instanceof Error) || error.message !== "") return error;
  const named = new Error(error.name === "TimeoutError" ? "the XMPP server did not answer in time" : error.name);
  named.cause = error;
  return named;
}

/**
 * Closes a connection without ever failing or hanging: its listeners are dropped (a closing socket may still
 * emit an error such as EPIPE, which would crash the process with no listener), and a connection that already
 * died or hangs gets at most two seconds.
 */
export async function closeQuietly(connection: {
  removeAllListeners(): unknown;
  on(event: "error", listener: () => void): unknown;
  stop(): Promise<unknown>;
}): Promise<void> {
  connection.removeAllListeners();
  connection.on("error", () => undefined);
  await Promise.race([connection.stop().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
}

/**
 * Turns Nagle's algorithm off on the connection's socket once it connects (TCP_NODELAY, as the IRC transport
 * does). Each stanza is written whole, at once; with Nagle on, a small write waits while an earlier one is
 * unacknowledged, and the server, with nothing to answer, acknowledges late (Linux's delayed ACK, up to 40 ms):
 * a message written 5 ms after another waited for that, and so did the delivery barrier behind it.
 */
export function writeWithoutDelay(connection: { on(event: "connect", listener: () => void): unknown; readonly socket?: unknown }): void {
  connection.on("connect", () => (connection.socket as { setNoDelay?: (noDelay: boolean) => unknown } | null | undefined)?.setNoDelay?.(true));
}
