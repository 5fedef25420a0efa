/**
 * A TCP forwarder between the daemon and a real server, which a test can close like a network partition:
 * while closed, connections through it are cut and new ones are refused at once. Not a fake server: bytes pass
 * unchanged. Used to decide *when* the daemon may reconnect (after a server restart, once the test's own
 * clients are back), so that a test awaits events instead of racing the daemon's backoff.
 */
import { createServer, connect, type Server, type Socket } from "node:net";

export class TcpGate {
  private open = true;
  private readonly pairs = new Set<Socket>();
  private readonly server: Server;
  port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: () => number,
  ) {
    this.server = createServer((client) => this.forward(client));
  }

  static async start(targetHost: string, targetPort: () => number): Promise<TcpGate> {
    const gate = new TcpGate(targetHost, targetPort);
    await new Promise<void>((resolve) => gate.server.listen(0, "127.0.0.1", resolve));
    const address = gate.server.address();
    if (address === null || typeof address === "string") throw new Error("the gate has no port");
    gate.port = address.port;
    return gate;
  }

  /** Cuts every connection through the gate and refuses new ones. */
  close(): void {
    this.open = false;
    for (const socket of this.pairs) socket.destroy();
    this.pairs.clear();
  }

  reopen(): void {
    this.open = true;
  }

  async dispose(): Promise<void> {
    this.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: Socket): void {
    client.on("error", () => undefined);
    if (!this.open) {
      client.destroy();
      return;
    }
    const upstream = connect(this.targetPort(), this.targetHost);
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
    this.pairs.add(client);
    client.on("close", () => this.pairs.delete(client));
  }
}
