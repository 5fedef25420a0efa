/**
 * The setup of the tests that cut the daemon off from a real IRC server: the daemon reaches the server through a
 * TcpGate, one channel is bridged to a native room, an IRC reader is in the channel before the daemon, and a
 * native user (alice) is a member of the room. Everything is stopped by dispose(), the server too.
 */
import { Daemon, uniqueUser } from "./daemon.js";
import { PASSWORD } from "./gateway-fixture.js";
import { IrcTestClient, pingBarrierAfter, pongTo, type IrcMessage } from "./irc-client.js";
import type { IrcServer } from "./irc-servers.js";
import { NativeClient } from "./native-client.js";
import { TcpGate } from "./tcp-gate.js";

export interface GatedIrcBridgeOptions {
  readonly network: string;
  readonly nick: string;
  /** The channel, "#" included; the room is its name without "#". */
  readonly channel: string;
  /** Config lines put before `irc:` (other sections), and lines added to the network's entry (indented by this helper). */
  readonly yaml?: readonly string[];
  readonly networkYaml?: readonly string[];
}

export class GatedIrcBridge {
  private syncs = 0;

  private constructor(
    readonly server: IrcServer,
    readonly gate: TcpGate,
    readonly daemon: Daemon,
    readonly reader: IrcTestClient,
    readonly alice: NativeClient,
    /** alice's puppet nick, ASCII lower case. */
    readonly puppet: string,
  ) {}

  static async start(server: IrcServer, options: GatedIrcBridgeOptions): Promise<GatedIrcBridge> {
    const gate = await TcpGate.start(server.host, () => server.port);
    const reader = await IrcTestClient.connect(server, uniqueUser("rd"));
    await reader.join(options.channel);
    const daemon = Daemon.create(
      [
        ...(options.yaml ?? []),
        "irc:",
        "  networks:",
        `    - name: ${options.network}`,
        "      host: 127.0.0.1",
        `      port: ${gate.port}`,
        `      nick: ${options.nick}`,
        "      channels:",
        `        - channel: "${options.channel}"`,
        `          room: ${options.channel.slice(1)}`,
        "      puppets:",
        "        connect_interval_ms: 0",
        ...(options.networkYaml ?? []).map((line) => `      ${line}`),
      ].join("\n"),
    );
    await daemon.start();
    await daemon.waitForLog(/IRC network online/, 15_000);
    const aliceName = uniqueUser("al");
    const alice = await NativeClient.session(daemon.url, aliceName, PASSWORD, { register: true });
    await alice.ok({ type: "room.join", room: options.channel.slice(1) });
    return new GatedIrcBridge(server, gate, daemon, reader, alice, `${aliceName}[sb]`.toLowerCase());
  }

  /** A PRIVMSG from alice's puppet to `target` (a channel, or the reader's nick for a query). */
  fromPuppet(target: string): (line: IrcMessage) => boolean {
    return (line) => line.command === "PRIVMSG" && line.nick?.toLowerCase() === this.puppet && line.params[0]?.toLowerCase() === target.toLowerCase();
  }

  /**
   * Resolves once the daemon has the server's confirmation of the lines of alice's puppet ending in `texts`
   * (which the reader has seen), so that cutting the link now loses no confirmation (which would send those
   * lines again: the documented duplicate). `barrier`: the server has no echo-message, and a PING barrier after
   * a line confirms it. Then the reader writes to the puppet: that line reaches the daemon on the puppet's
   * connection after the echoes or the PONG, and alice receives it.
   */
  async confirmed(texts: readonly string[], barrier: boolean): Promise<void> {
    // The PONG must have come back through the gate (else cutting the link could lose it even though the reader's
    // line, sent by another connection, arrived first).
    for (const text of barrier ? texts : []) {
      const ping = await this.gate.oneClientWrote(pingBarrierAfter(text));
      await this.gate.serverWrote(pongTo(ping[1] ?? ""));
    }
    this.syncs += 1;
    const token = `sync ${this.syncs}`;
    this.reader.privmsg(this.puppet, token);
    await this.alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === token, 15_000);
  }

  /** Cuts the link once what the daemon wrote into the black hole matches `swallowed`, and awaits the daemon noticing. */
  async cutAfter(swallowed: RegExp): Promise<void> {
    await this.gate.clientWrote(swallowed, "swallowed");
    this.gate.close();
    await this.daemon.waitForLog(/IRC connection lost/);
  }

  /** Opens the link again and awaits the daemon's reconnect. */
  async reconnect(): Promise<void> {
    this.gate.reopen();
    await this.daemon.waitForLog(/IRC network online[\s\S]*IRC network online/, 30_000);
  }

  async dispose(): Promise<void> {
    await this.alice.close();
    await this.reader.quit();
    await this.daemon.dispose();
    await this.gate.dispose();
    await this.server.dispose();
  }
}
