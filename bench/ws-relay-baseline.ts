/**
 * The baseline of bench/native-direct.ts: the least a WebSocket relay can do with the same traffic, run as its
 * own process like the daemon. Each text frame is parsed; "login" records the connection under native:<user>;
 * "message.send" forwards the frame as it came to the connection named by "to" and acknowledges the sender;
 * any other frame is acknowledged. No validation, no store, no queue: the floor a gateway is compared against.
 *
 * Prints {"msg":"relay started","port":N} on standard output once listening; exits on SIGTERM, SIGINT or when
 * standard input closes (the benchmark that started it went away). That shell is bench/relay-server.ts's.
 */
import type { RawData, WebSocket } from "ws";
import { answer, exitWithBench, listenForClients, parseFrame } from "./relay-server.js";

const connections = new Map<string, WebSocket>();

function relay(socket: WebSocket, data: RawData): void {
  const frame = parseFrame(data);
  if (!frame) return answer(socket, undefined, "error");
  if (frame.type === "message.send") {
    const target = typeof frame.to === "string" ? connections.get(frame.to) : undefined;
    if (!target) return answer(socket, frame.id, "error");
    target.send(data as Buffer, { binary: false });
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

listenForClients((socket) => socket.on("message", (data) => relay(socket, data)));
exitWithBench();
