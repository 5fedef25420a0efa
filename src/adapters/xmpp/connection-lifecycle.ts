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
