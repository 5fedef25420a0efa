/**
 * Types for the parts of irc-framework 4.14 (CommonJS, no types of its own) that irc-connection.ts uses:
 * the Client with its options, its Connection (raw line writes, the transport) and its network state (CAP),
 * the raw-line middleware, and the transport interface that the Connection drives (src/transports/net.js is
 * the default; the `transport` option replaces it). Checked against node_modules/irc-framework/src.
 */
declare module "irc-framework" {
  /** A parsed line as irc-framework's ircLineParser makes it (tag keys lower-cased by it). Its params may be edited in raw middleware. */
  export interface IrcFrameworkMessage {
    tags: Record<string, string>;
    prefix: string;
    nick: string;
    ident: string;
    hostname: string;
    command: string;
    params: string[];
  }

  /**
   * What Connection expects of a transport: an event emitter of "open" (ready to write), "line" (one decoded
   * line), "close" (the socket error or false), "debug" (text) and "extra" (re-emitted by the Connection).
   */
  export interface IrcFrameworkTransport {
    connect(): void;
    writeLine(line: string, callback?: (error?: Error | null) => void): void;
    close(force?: boolean): void;
    disposeSocket(): void;
    /** Called by Connection.connect with the `encoding` option; true when the transport accepts it. */
    setEncoding(encoding: string): boolean;
    isConnected(): boolean;
    on(event: string, listener: (...args: unknown[]) => void): this;
    removeAllListeners(event?: string): this;
  }

  /** Connection.connect() calls `new options.transport(options)` with the client's whole options object. */
  export type IrcFrameworkTransportConstructor = new (options: unknown) => IrcFrameworkTransport;

  export interface ClientOptions {
    host: string;
    port: number;
    nick: string;
    username: string;
    gecos: string;
    /** Server password (PASS). Without `account`, irc-framework also uses it (with the nick) for SASL PLAIN. */
    password?: string;
    /** SASL PLAIN credentials; an object without `account` turns SASL (and the password fallback) off. */
    account?: { account?: string; password?: string };
    sasl_mechanism?: "PLAIN" | "EXTERNAL";
    sasl_disconnect_on_fail?: boolean;
    encoding?: string;
    /** The CTCP VERSION reply irc-framework sends on its own; "" turns that off. */
    version?: string;
    enable_chghost?: boolean;
    enable_setname?: boolean;
    enable_echomessage?: boolean;
    auto_reconnect?: boolean;
    auto_reconnect_max_retries?: number;
    auto_reconnect_max_wait?: number;
    /** Seconds between PINGs after the last PONG; 0 turns the periodic PING off. */
    ping_interval?: number;
    /** Seconds without any line from the server before irc-framework sends QUIT and closes; 0 turns it off. */
    ping_timeout?: number;
    message_max_length?: number;
    /** Sent before CAP LS as `WEBIRC <password> <username> <hostname> <address> <options as tags>` (client.js registerToNetwork). */
    webirc?: { password: string; username: string; hostname: string; address: string; options?: Record<string, string> };
    transport?: IrcFrameworkTransportConstructor;
  }

  export interface Connection {
    readonly connected: boolean;
    transport: IrcFrameworkTransport | null;
    /** Writes one line (CR LF added by the transport); calls back at once (no error) when not connected. */
    write(line: string, callback?: (error?: Error | null) => void): boolean | undefined;
    end(line?: string, hadError?: boolean): void;
  }

  export interface NetworkInfo {
    cap: {
      enabled: string[];
      available: Map<string, string>;
      isEnabled(cap: string): boolean;
    };
  }

  /** A raw middleware: runs for each parsed line before irc-framework's command handlers; not calling next() drops it. */
  export type RawMiddleware = (command: string, message: IrcFrameworkMessage, rawLine: string, client: Client, next: (error?: unknown) => void) => void;

  export interface MiddlewareHandler<M> {
    use(middleware: M): void;
  }

  export class Client {
    constructor(options?: Partial<ClientOptions>);
    readonly connection: Connection;
    readonly network: NetworkInfo;
    readonly user: { nick: string; username: string; host: string };
    connect(options: ClientOptions): void;
    requestCap(caps: string | string[]): void;
    use(plugin: (client: Client, raw: MiddlewareHandler<RawMiddleware>, parsed: MiddlewareHandler<unknown>) => void): this;
    /** The transport's "close", with the socket's last error (or false). */
    on(event: "socket close", listener: (error: Error | false | undefined) => void): this;
    /** No line for ping_timeout seconds; irc-framework then writes QUIT and destroys the socket. */
    on(event: "ping timeout", listener: () => void): this;
    on(event: "debug", listener: (text: string) => void): this;
  }
}
