/**
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
