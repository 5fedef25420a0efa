/**
 * The socket under irc-framework: TCP or TLS, and the decoding of each received line on its own.
 *
 * irc-framework's own transport (src/transports/net.js) decodes every line with one iconv-lite encoding
 * and passes neither `ca` nor a way to keep the TLS error to the caller, so the Client gets this one as
 * its `transport` option. It implements what irc-framework's Connection drives (connect, writeLine,
 * close, disposeSocket, setEncoding; events "open", "line", "close") and adds:
 *
 * - Decoding per line (encoding.ts decodeIrcBytes): lines are split on LF at the byte level (an LF byte
 *   is never part of a multi-byte character in UTF-8 or in any fallback encoding.ts accepts), the CR
 *   before it is removed, and the line is read as UTF-8 when valid, else with the network's fallback
 *   (modern.ircdocs.horse "Character encodings"). Outgoing lines are always UTF-8.
 * - A bound on a line (MAX_LINE_BYTES): a server that never sends LF cannot grow the buffer forever. A longer
 *   line, complete or not, is dropped (to its LF) and reported, and the lines around it are read as usual.
 *   8,191 bytes of tags plus a 512-byte line (IRCv3 message-tags "Size limit") fit easily.
 * - TLS by node:tls: `rejectUnauthorized` is the operator's `verify`, `ca` (PEM text) replaces the system
 *   CAs, `cert`/`key` are the client certificate (CertFP, SASL EXTERNAL), and SNI names the host unless
 *   it is an IP address (RFC 6066 section 3 forbids IP literals in SNI). The socket's error (for
 *   example "self-signed certificate") is kept and given with "close", so the caller can name it.
 * - Lines written in one tick leave in one write (cork until the next tick; Nagle is off). irc-framework writes
 *   WEBIRC, CAP LS, PASS, NICK and USER one by one: a server that refuses WEBIRC at its first line and closes
 *   (InspIRCd 3.15) would otherwise get the later ones after closing and answer them with a reset, which throws
 *   away its ERROR before the gateway reads it, leaving a bare EPIPE instead of the reason.
 */
import { EventEmitter } from "node:events";
import { connect as connectTcp, isIP, type Socket } from "node:net";
import { connect as connectTls, type ConnectionOptions } from "node:tls";
import type { IrcFrameworkTransport, IrcFrameworkTransportConstructor } from "irc-framework";
import { decodeIrcBytes } from "./encoding.js";

/** The longest unfinished line kept while waiting for its LF. */
export const MAX_LINE_BYTES = 16 * 1024;

export interface IrcTlsOptions {
  readonly verify: boolean;
  /** PEM text of the CA (or the self-signed certificate) to trust instead of the system's CAs. */
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

export type TransportStage = "tcp-connected" | "tls-connected";

export interface IrcTransportSettings {
  readonly host: string;
  readonly port: number;
  readonly tls?: IrcTlsOptions;
  readonly fallbackEncoding: string;
  /** Told when the TCP connection is up and when the TLS handshake is done, for error messages. */
  readonly onStage?: (stage: TransportStage) => void;
  /** Lines for which this says true are dropped unread (a puppet's channel chatter, channel-chatter.ts). */
  readonly dropLine?: (line: string) => boolean;
  /** Told of each line dropped for being longer than MAX_LINE_BYTES (its length, or what came of it before it was cut). */
  readonly lineTooLong?: (bytes: number) => void;
}

/** Splits received bytes into lines and decodes each one (see the header). */
export class IrcLineDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  /** The rest of a line cut for its length is thrown away up to its LF. */
  private skipping = false;

  constructor(
    private readonly fallbackEncoding: string,
    private readonly maxLineBytes = MAX_LINE_BYTES,
    /** Told of each line dropped for its length (its bytes, or those received before it was cut). */
    private readonly tooLong: (bytes: number) => void = () => undefined,
  ) {}

  /** The complete lines in `chunk` (with what came before it), without CR LF; lines over the bound are left out. */
  push(chunk: Uint8Array): string[] {
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const end = this.buffer.indexOf(0x0a, start);
      if (end < 0) break;
      const stop = end > start && this.buffer[end - 1] === 0x0d ? end - 1 : end;
      if (this.skipping) this.skipping = false;
      else if (stop - start > this.maxLineBytes) this.tooLong(stop - start);
      else if (stop > start) lines.push(decodeIrcBytes(this.buffer.subarray(start, stop), this.fallbackEncoding));
      start = end + 1;
    }
    this.buffer = start === 0 ? this.buffer : Buffer.from(this.buffer.subarray(start));
    // A CR at the end may be the line's own, its LF in the next read: not counted.
    const unfinished = this.buffer.length - (this.buffer[this.buffer.length - 1] === 0x0d ? 1 : 0);
    if (unfinished > this.maxLineBytes) {
      if (!this.skipping) this.tooLong(this.buffer.length);
      this.skipping = true;
      this.buffer = Buffer.alloc(0);
    }
    return lines;
  }
}

class IrcTransport extends EventEmitter implements IrcFrameworkTransport {
  private socket: Socket | undefined;
  private connected = false;
  private lastError: Error | undefined;
  private readonly unbind: Array<() => void> = [];

  constructor(private readonly settings: IrcTransportSettings) {
    super();
  }

  connect(): void {
    this.disposeSocket();
    this.lastError = undefined;
    const { host, port, tls } = this.settings;
    const decoder = new IrcLineDecoder(this.settings.fallbackEncoding, MAX_LINE_BYTES, (bytes) => this.settings.lineTooLong?.(bytes));
    let socket: Socket;
    if (tls === undefined) {
      socket = connectTcp({ host, port });
    } else {
      const options: ConnectionOptions = {
        host,
        port,
        rejectUnauthorized: tls.verify,
        ...(isIP(host) === 0 ? { servername: host } : {}),
        ...(tls.ca === undefined ? {} : { ca: tls.ca }),
        ...(tls.cert === undefined ? {} : { cert: tls.cert }),
        ...(tls.key === undefined ? {} : { key: tls.key }),
      };
      socket = connectTls(options);
    }
    this.socket = socket;
    socket.setNoDelay(true);
    this.bind(socket, "connect", () => {
      socket.setKeepAlive(true, 60_000);
      this.settings.onStage?.("tcp-connected");
      if (tls === undefined) this.opened();
    });
    if (tls !== undefined) {
      this.bind(socket, "secureConnect", () => {
        this.settings.onStage?.("tls-connected");
        this.opened();
      });
    }
    this.bind(socket, "data", (chunk: Buffer) => {
      for (const line of decoder.push(chunk)) {
        // A listener may have closed the connection (a failed registration): the rest is not read.
        if (this.socket !== socket || socket.destroyed) return;
        if (this.settings.dropLine?.(line) !== true) this.emit("line", line);
      }
    });
    this.bind(socket, "error", (error: Error) => {
      this.lastError ??= error;
    });
    this.bind(socket, "close", () => {
      this.connected = false;
      this.emit("close", this.lastError ?? false);
    });
  }

  isConnected(): boolean {
    return this.connected;
  }

  writeLine(line: string, callback?: (error?: Error | null) => void): void {
    const socket = this.socket;
    if (socket === undefined || !this.connected || socket.destroyed || !socket.writable) {
      if (callback) process.nextTick(() => callback(new Error("the IRC connection is not open")));
      return;
    }
    if (!socket.writableCorked) {
      socket.cork();
      process.nextTick(() => socket.uncork());
    }
    socket.write(`${line}\r\n`, "utf8", callback === undefined ? undefined : (error) => callback(error ?? null));
  }

  close(force?: boolean): void {
    const socket = this.socket;
    if (socket === undefined) return;
    if (force === true || !this.connected) socket.destroy();
    else socket.end();
  }

  disposeSocket(): void {
    const socket = this.socket;
    if (socket === undefined) return;
    for (const unbind of this.unbind.splice(0)) unbind();
    // Keep an error listener: a late error on a socket nobody listens to would end the process.
    socket.on("error", () => undefined);
    socket.destroy();
    this.socket = undefined;
    this.connected = false;
  }

  /** Outgoing lines are always UTF-8 and incoming ones are decoded per line: any encoding irc-framework names is "accepted". */
  setEncoding(_encoding: string): boolean {
    return true;
  }

  private opened(): void {
    this.connected = true;
    this.emit("open");
  }

  private bind<A extends unknown[]>(socket: Socket, event: string, listener: (...args: A) => void): void {
    const wrapped = (...args: unknown[]): void => listener(...(args as A));
    socket.on(event, wrapped);
    this.unbind.push(() => socket.off(event, wrapped));
  }
}

/** A transport class for irc-framework's `transport` option, bound to these settings (it ignores the options irc-framework passes). */
export function ircTransportClass(settings: IrcTransportSettings): IrcFrameworkTransportConstructor {
  return class extends IrcTransport {
    constructor(_options: unknown) {
      super(settings);
    }
  };
}
