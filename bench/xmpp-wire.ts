/**
 * A lean XMPP client for the benchmark: one TCP socket, SASL PLAIN on the plaintext loopback stream (the test
 * Prosody allows it), resource binding, initial presence, and stanzas split out of the stream as strings.
 *
 * It is lean on purpose: @xmpp/client builds an ltx element tree for every stanza and serializes one for every
 * send, and on a 2-core machine the load generator shares the CPU with Prosody and the daemon it measures.
 * The splitter relies on what Prosody writes (util/stanza.lua escapes `<`, `>`, `&` and quotes in text and
 * attribute values; no comments, CDATA or processing instructions after the XML declaration): each `<` opens a
 * tag and the next `>` closes it. It is not a general XML parser, and is not meant for any other server.
 */
import { connect, type Socket } from "node:net";
import { WireConnection } from "./wire-connection.js";

const NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
const NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind";
const NS_MUC = "http://jabber.org/protocol/muc";
const LOGIN_TIMEOUT_MS = 10_000;

export interface XmppWireOptions {
  readonly host: string;
  readonly port: number;
  readonly domain: string;
  readonly user: string;
  readonly password: string;
  readonly resource: string;
}

/** The XML text of a value, escaped for an attribute or text node. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[char] ?? ""};`);
}

/** The value of attribute `name` in a stanza's opening tag, undefined when absent (not unescaped). */
export function attribute(stanza: string, name: string): string | undefined {
  const end = stanza.indexOf(">");
  const head = end < 0 ? stanza : stanza.slice(0, end);
  const match = new RegExp(`\\s${name}=(['"])(.*?)\\1`).exec(head);
  return match?.[2];
}

/** The text of the first `<body>` child, undefined when there is none (not unescaped: the bench's bodies need no escaping). */
export function bodyOf(stanza: string): string | undefined {
  const open = stanza.indexOf("<body");
  if (open < 0) return undefined;
  const start = stanza.indexOf(">", open) + 1;
  if (stanza.charCodeAt(start - 2) === 47 /* "/" */) return "";
  const end = stanza.indexOf("</body>", start);
  return end < 0 ? undefined : stanza.slice(start, end);
}

/**
 * Splits an XMPP stream, as Prosody writes it, into top-level stanzas (depth 1 is inside <stream:stream>).
 * The stream header is passed on as "<stream:stream ...>" and its end as "</stream:stream>".
 */
export class StanzaSplitter {
  private buffer = "";
  private scanned = 0;
  private depth = 0;
  private stanzaStart = -1;

  constructor(private readonly emit: (stanza: string) => void) {}

  feed(chunk: string): void {
    let text = this.buffer + chunk;
    let at = this.scanned;
    for (;;) {
      const open = text.indexOf("<", at);
      if (open < 0) {
        at = text.length;
        break;
      }
      const close = text.indexOf(">", open + 1);
      if (close < 0) {
        at = open;
        break;
      }
      const next = text.charCodeAt(open + 1);
      at = close + 1;
      if (next === 63 /* "?" */) continue; // XML declaration
      if (next === 47 /* "/" */) {
        this.depth--;
        if (this.depth === 1 && this.stanzaStart >= 0) {
          this.emit(text.slice(this.stanzaStart, at));
          this.stanzaStart = -1;
        } else if (this.depth <= 0) {
          this.depth = 0;
          this.emit("</stream:stream>");
        }
        continue;
      }
      if (text.startsWith("stream:stream", open + 1)) {
        this.depth = 1; // a (re)opened stream
        this.stanzaStart = -1;
        this.emit(text.slice(open, at));
        continue;
      }
      const selfClosing = text.charCodeAt(close - 1) === 47;
      if (this.depth === 1) {
        if (selfClosing) {
          this.emit(text.slice(open, at));
          continue;
        }
        this.stanzaStart = open;
      }
      if (!selfClosing) this.depth++;
    }
    // Keep only the unfinished stanza (or tag) for the next chunk.
    const keepFrom = this.stanzaStart >= 0 ? Math.min(this.stanzaStart, at) : at;
    text = text.slice(keepFrom);
    if (this.stanzaStart >= 0) this.stanzaStart -= keepFrom;
    this.scanned = at - keepFrom;
    this.buffer = text;
  }
}

/** A logged-in XMPP client session (socket plumbing and waiters: bench/wire-connection.ts). */
export class XmppWire extends WireConnection {
  /** The full JID the server bound. */
  jid = "";
  /** Called with every top-level stanza (message, presence, iq) as received. */
  onStanza: (stanza: string) => void = () => undefined;
  private readonly splitter = new StanzaSplitter((stanza) => this.emit(stanza));

  private constructor(
    socket: Socket,
    private readonly options: XmppWireOptions,
  ) {
    super(socket, options.user, "", "</stream:stream>");
  }

  /** Connects and logs in (PLAIN), binds `resource` and sends initial presence; resolves once the session is ready. */
  static async open(options: XmppWireOptions): Promise<XmppWire> {
    const socket = connect({ host: options.host, port: options.port });
    const wire = new XmppWire(socket, options);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        wire.login(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${options.user}@${options.domain}: no XMPP session within ${LOGIN_TIMEOUT_MS} ms`)), LOGIN_TIMEOUT_MS);
        }),
        new Promise<never>((_, reject) => socket.once("error", reject)),
      ]);
      return wire;
    } catch (error: unknown) {
      socket.destroy();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The bare JID, e.g. "alice@localhost". */
  get bareJid(): string {
    return `${this.options.user}@${this.options.domain}`;
  }

  send(text: string): void {
    this.socket.write(text);
  }

  /** Resolves with the next stanza that matches; a stanza a waiter takes does not go to onStanza. */
  override next(match: (stanza: string) => boolean, timeoutMs = LOGIN_TIMEOUT_MS, what = "a stanza"): Promise<string> {
    return super.next(match, timeoutMs, what);
  }

  /** Joins a MUC (Prosody's or a gateway's) and resolves once the occupant's own presence (status 110) arrived. */
  async joinMuc(occupantJid: string, timeoutMs = LOGIN_TIMEOUT_MS): Promise<void> {
    const room = occupantJid.split("/")[0] as string;
    const answer = this.next(
      (stanza) =>
        stanza.startsWith("<presence") &&
        (attribute(stanza, "from") ?? "").startsWith(room) &&
        ((attribute(stanza, "from") === occupantJid && /<status code=['"]110['"]/.test(stanza)) || attribute(stanza, "type") === "error"),
      timeoutMs,
      `the self-presence of ${occupantJid}`,
    );
    this.send(`<presence to='${xmlEscape(occupantJid)}'><x xmlns='${NS_MUC}'/></presence>`);
    const stanza = await answer;
    if (attribute(stanza, "type") === "error") throw new Error(`joining ${occupantJid} refused: ${stanza}`);
  }

  protected onData(chunk: string): void {
    this.splitter.feed(chunk);
  }

  private header(): string {
    return `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='${xmlEscape(this.options.domain)}' version='1.0'>`;
  }

  private async login(): Promise<void> {
    const { user, password, resource } = this.options;
    let features = this.next((stanza) => stanza.startsWith("<stream:features"), LOGIN_TIMEOUT_MS, "stream features");
    this.send(this.header());
    const offered = await features;
    if (!/<mechanism>PLAIN<\/mechanism>/.test(offered)) throw new Error(`${user}: the server offers no PLAIN mechanism: ${offered}`);
    const outcome = this.next((stanza) => stanza.startsWith("<success") || stanza.startsWith("<failure"), LOGIN_TIMEOUT_MS, "the SASL outcome");
    const credentials = Buffer.from(`\u0000${user}\u0000${password}`, "utf8").toString("base64");
    this.send(`<auth xmlns='${NS_SASL}' mechanism='PLAIN'>${credentials}</auth>`);
    const answer = await outcome;
    if (!answer.startsWith("<success")) throw new Error(`${user}: login refused: ${answer}`);
    features = this.next((stanza) => stanza.startsWith("<stream:features"), LOGIN_TIMEOUT_MS, "stream features after login");
    this.send(this.header());
    await features;
    const bound = this.next((stanza) => stanza.startsWith("<iq") && attribute(stanza, "id") === "bind", LOGIN_TIMEOUT_MS, "the bind result");
    this.send(`<iq type='set' id='bind'><bind xmlns='${NS_BIND}'><resource>${xmlEscape(resource)}</resource></bind></iq>`);
    const result = await bound;
    const jid = /<jid>([^<]+)<\/jid>/.exec(result)?.[1];
    if (attribute(result, "type") !== "result" || jid === undefined) throw new Error(`${user}: resource binding failed: ${result}`);
    this.jid = jid;
    // Initial presence: Prosody delivers a chat message to a bare JID only to available resources.
    this.send("<presence/>");
  }

  private emit(stanza: string): void {
    if (stanza.startsWith("<stream:error")) this.problems.push(`stream error: ${stanza}`);
    if (stanza === "</stream:stream>") this.problems.push("the server closed the stream");
    if (!this.deliver(stanza)) this.onStanza(stanza);
  }
}
