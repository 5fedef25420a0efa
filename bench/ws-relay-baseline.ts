/**
 * The baseline of bench/native-direct.ts: the least a WebSocket relay can do with the same traffic, run as its
 * own process like the daemon. Each text frame is parsed; "login" records the connection under native:<user>;
 * "message.send" forwards the frame as it came to the connection named by "to" and acknowledges the sender;
 * any other frame is acknowledged. No validation, no store, no queue: the floor a gateway is compared against.
 *
 * Prints {"port":N} on standard output once listening; exits on SIGTERM, SIGINT or when standard input closes
 * (the benchmark that started it went away).
 */
import { WebSocketServer, type RawData, type WebSocket } from "ws";

interface RelayFrame {
  readonly type?: unknown;
  readonly id?: unknown;
  readonly user?: unknown;
  readonly to?: unknown;
}

const connections = new Map<string, WebSocket>();

function answer(socket: WebSocket, id: unknown, type: "ok" | "error"): void {
  socket.send(typeof id === "string" ? `{"type":"${type}","id":${JSON.stringify(id)}}` : `{"type":"${type}"}`);
}

function relay(socket: WebSocket, data: RawData): void {
  const buffer = data as Buffer;
  let frame: RelayFrame;
  try {
    frame = JSON.parse(buffer.toString()) as RelayFrame;
  } catch {
    answer(socket, undefined, "error");
    return;
  }
  if (frame.type === "message.send") {
    const target = typeof frame.to === "string" ? connections.get(frame.to) : undefined;
    if (!target) return answer(socket, frame.id, "error");
    target.send(buffer, { binary: false });
    return answer(socket, frame.id, "ok");
  }
  if (frame.type === "login" && typeof frame.user === "string") {
    const address = `native:${frame.user}`;
    connections.set(address, socket);
    socket.once("close", () => {
      if (connections.get(address) === socket) connections.delete(address);
    });
  }
  answer(socket, frame.id, "ok");
}

const server = new WebSocketServer({ host: "127.0.0.1", port: 0, skipUTF8Validation: true, perMessageDeflate: false });
server.on("connection", (socket) => {
  socket.on("message", (data) => relay(socket, data));
  socket.on("error", () => socket.terminate());
});
server.on("listening", () => {
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ msg: "relay started", port })}\n`);
});

const exit = (): void => process.exit(0);
process.on("SIGTERM", exit);
process.on("SIGINT", exit);
process.stdin.on("end", exit);
process.stdin.resume();
