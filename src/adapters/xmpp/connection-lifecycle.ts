/**
 * Starting and closing @xmpp connections safely, for every XMPP adapter.
 *
 * @xmpp connections report a refused login or handshake as an "error" event while start() keeps waiting for
 * "online"; racing start() against this makes such a connection fail (and be retried) instead of hanging.
 */
/** Rejects with the connection's first error, or after a timeout. */
export function failure(connection: { once(event: "error", listener: (error: Error) => void): unknown }, timeoutMs: number): Promise<never> {
  return new Promise((_, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
    connection.once("error", (error: Error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
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
