/**
 * The shell of the three relay floors (bench/ws-relay-baseline.ts, bench/xmpp-relay-baseline.ts,
 * bench/irc-relay-baseline.ts), processes of their own started by bench/relay-process.ts: the WebSocket server on
 * a free loopback port that announces {"msg":"relay started","port":N}, the frame parser and the ok/error answer
 * of the native protocol, and the exit when the bench that started the relay goes away. Only what a relay does
 * with a frame differs from one to the other.
 */
import { WebSocketServer, type RawData, type WebSocket } from "ws";

/** The fields of a native frame any relay reads. */
export interface RelayFrame {
  readonly type?: unknown;
  readonly id?: unknown;
  readonly user?: unknown;
  readonly to?: unknown;
  readonly room?: unknown;
  readonly body?: unknown;
}

/** A frame's JSON, undefined when it is not JSON. */
export function parseFrame(data: RawData): RelayFrame | undefined {
  try {
    return JSON.parse(String(data)) as RelayFrame;
  } catch {
    return undefined;
  }
}

/** Answers a request: {"type":"ok"|"error","id":...}, with a "message" when `text` is given. */
export function answer(socket: WebSocket, id: unknown, type: "ok" | "error", text?: string): void {
  const reason = text === undefined ? "" : `,"message":${JSON.stringify(text)}`;
  socket.send(typeof id === "string" ? `{"type":"${type}","id":${JSON.stringify(id)}${reason}}` : `{"type":"${type}"${reason}}`);
}

/** Listens on a free loopback port, hands each connection to `onConnection`, and prints the port once listening. */
export function listenForClients(onConnection: (socket: WebSocket) => void): WebSocketServer {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, skipUTF8Validation: true, perMessageDeflate: false });
  server.on("connection", (socket) => {
    onConnection(socket);
    socket.on("error", () => socket.terminate());
  });
  server.on("listening", () => {
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    process.stdout.write(`${JSON.stringify({ msg: "relay started", port })}\n`);
  });
  return server;
}

/** Exits on SIGTERM, SIGINT or when standard input closes (the bench that started this process went away). */
export function exitWithBench(): void {
  const exit = (): void => process.exit(0);
  process.on("SIGTERM", exit);
  process.on("SIGINT", exit);
  process.stdin.on("end", exit);
  process.stdin.resume();
}
