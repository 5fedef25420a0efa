/**
 * A tiny scripted IRC "server" on a free loopback port, for what real test servers cannot show: SASL
 * exchanges (no services package), a server that goes silent (ping timeout), a server that never answers
 * (connect timeout), and lines sent in the same TCP write as the end of the MOTD. The script sees each
 * line a client sends and answers with raw text; it implements nothing else.
 */
import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";

export interface ScriptedPeer {
  /** Writes raw lines (CR LF added to each) in one TCP write. */
  send(...lines: string[]): void;
  /** Closes the connection. */
  close(): void;
  /** Every line the client sent, without CR LF. */
  readonly received: readonly string[];
}

/** Called with each line a client sends. */
export type ScriptedHandler = (line: string, peer: ScriptedPeer) => void;

export class ScriptedIrcServer {
  readonly host = "127.0.0.1";
  /** One per accepted connection, in order. */
  readonly peers: ScriptedPeer[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  private constructor(private readonly handler: ScriptedHandler) {
    this.server = createServer((socket) => this.accept(socket));
  }

  static async start(handler: ScriptedHandler): Promise<ScriptedIrcServer> {
    const scripted = new ScriptedIrcServer(handler);
    scripted.server.listen(0, "127.0.0.1");
    await once(scripted.server, "listening");
    return scripted;
  }

  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address === "string") throw new Error("the scripted IRC server is not listening");
    return address.port;
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => undefined);
    const received: string[] = [];
    const peer: ScriptedPeer = {
      send: (...lines) => void (socket.writable && socket.write(lines.map((line) => `${line}\r\n`).join(""))),
      close: () => socket.end(),
      received,
    };
    this.peers.push(peer);
    let buffer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const text of lines) {
        const line = text.replace(/\r$/, "");
        received.push(line);
        this.handler(line, peer);
      }
    });
  }
}

/** Answers registration (NICK/USER after CAP END when CAP was used) with 001, 005 and 376 in one write, plus `after`. */
export function registerReply(nick: string, after: readonly string[] = []): string[] {
  return [
    `:scripted.test 001 ${nick} :Welcome to the scripted network ${nick}!user@scripted.host`,
    `:scripted.test 005 ${nick} NICKLEN=20 CASEMAPPING=ascii :are supported by this server`,
    `:scripted.test 376 ${nick} :End of MOTD`,
    ...after,
  ];
}
