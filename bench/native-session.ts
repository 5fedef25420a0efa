/**
 * Native-protocol sessions for every bench, with raw `ws` clients (no client library: on a 2-core machine the
 * generator shares the CPU with the servers it measures): open a session (hello and login, pipelined), many of
 * them with a bounded number of handshakes at a time, and send a request that waits for its answer (the setup
 * steps of the XMPP and IRC benches: joining and creating rooms, the first message of a puppet).
 */
import { WebSocket, type RawData } from "ws";
import { inParallel } from "./in-parallel.js";

const HANDSHAKE_TIMEOUT_MS = 15_000;

interface Answer {
  readonly type?: unknown;
  readonly id?: unknown;
}

/** Connects, says hello and logs in (both frames pipelined); resolves with the open socket. */
export function openSession(url: string, user: string, password: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    const timer = setTimeout(() => fail(new Error(`${user}: no session within ${HANDSHAKE_TIMEOUT_MS} ms`)), HANDSHAKE_TIMEOUT_MS);
    let answers = 0;
    function fail(error: Error): void {
      clearTimeout(timer);
      socket.terminate();
      reject(error);
    }
    socket.on("error", (error) => fail(error));
    socket.once("open", () => {
      socket.send('{"type":"hello","version":1,"id":"hello"}');
      socket.send(JSON.stringify({ type: "login", user, password, id: "login" }));
    });
    const onMessage = (data: RawData): void => {
      const frame = JSON.parse(String(data)) as Answer;
      if (frame.id !== "hello" && frame.id !== "login") return;
      if (frame.type !== "ok") return fail(new Error(`${user}: ${String(frame.id)} refused: ${String(data)}`));
      if (++answers < 2) return;
      clearTimeout(timer);
      socket.off("message", onMessage);
      resolve(socket);
    };
    socket.on("message", onMessage);
  });
}

/** Opens sessions for all `users` with at most `concurrency` handshakes at a time, in the order given. */
export function openSessions(url: string, users: readonly string[], password: string, concurrency: number): Promise<WebSocket[]> {
  return inParallel(users.length, concurrency, (index) => openSession(url, users[index] as string, password));
}

/** Sends a native frame with an id and resolves with its answer (rejects on an error answer). */
export function nativeRequest(socket: WebSocket, frame: Record<string, unknown>, timeoutMs = 10_000): Promise<Record<string, unknown>> {
  const id = `req-${Math.random().toString(36).slice(2)}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off("message", onMessage);
      reject(new Error(`no answer to ${JSON.stringify(frame)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (data: RawData): void => {
      const answer = JSON.parse(String(data)) as Record<string, unknown>;
      if (answer["id"] !== id) return;
      clearTimeout(timer);
      socket.off("message", onMessage);
      if (answer["type"] === "ok") resolve(answer);
      else reject(new Error(`${JSON.stringify(frame)} refused: ${JSON.stringify(answer)}`));
    };
    socket.on("message", onMessage);
    socket.send(JSON.stringify({ ...frame, id }));
  });
}
