/**
 * Restricted XML (RFC 6120 section 11.1): an XMPP stream carries no comments, no processing
 * instructions, no DTD (internal or external subset) and no entity references other than the five
 * predefined ones and character references. This module checks raw inbound text before it reaches
 * ltx, whose hand-written parser does not implement any of it:
 *   - `<!DOCTYPE ...>` or any `<!` other than CDATA is treated as a comment that ends only at the next
 *     "-->" or "]]>": the rest of the stream is swallowed silently, without an error (no expansion);
 *   - an undeclared entity reference (`&lol;`) or an illegal character reference (`&#0;`) makes
 *     Parser.write() throw synchronously, out of the socket's data handler;
 * (test/unit/xmpp/xml-safety.test.ts records both). A caller that finds a problem closes the stream with
 * <restricted-xml/> (or <not-well-formed/> for a broken reference).
 *
 * The scan is a small state machine that understands CDATA sections (where "&" and "<!DOCTYPE" are
 * plain text) and carries an unfinished construct (`<!DOC`, `&am`) over to the next chunk, so that a
 * declaration split across TCP reads is still found. Attribute values cannot hold a raw "<", so every
 * "<" outside CDATA starts markup.
 *
 * Outbound, stripInvalidXmlChars removes what XML 1.0 cannot carry at all (section 2.2: C0 controls
 * other than tab, LF and CR; U+FFFE, U+FFFF; lone surrogates): ltx would write them as they are and
 * the server would close the stream as not well-formed.
 */

export interface XmlScanState {
  /** Inside a CDATA section that a previous chunk opened. */
  readonly inCdata: boolean;
  /** The unfinished end of the previous chunk (at most MAX_PENDING characters), scanned again with the next. */
  readonly pending: string;
}

export interface XmlScanResult {
  readonly state: XmlScanState;
  /** Why the text is refused; absent when it is acceptable so far. */
  readonly problem?: string;
}

export const INITIAL_XML_SCAN: XmlScanState = Object.freeze({ inCdata: false, pending: "" });

const CDATA_OPEN = "<![CDATA[";
const XML_DECLARATION_OPEN = "<?xml";
/** Long enough to hold "<![CDATA[", "<!DOCTYPE", "<!ENTITY" and "<!NOTATION" whole. */
const DECLARATION_KEYWORD_LENGTH = 10;
const MAX_PENDING = 32;
const REFERENCE = /^&(?:(amp|lt|gt|quot|apos)|#([0-9]{1,24})|#x([0-9a-fA-F]{1,24}));/;
const REFERENCE_PREFIX = /^&(?:[a-z]{0,4}|#[0-9]{0,24}|#x[0-9a-fA-F]{0,24})$/;

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

function declarationReason(markup: string): string {
  const upper = markup.toUpperCase();
  if (upper.startsWith("<!DOCTYPE")) return "a DOCTYPE declaration (RFC 6120 section 11.1 forbids DTDs)";
  if (upper.startsWith("<!ENTITY")) return "an ENTITY declaration (RFC 6120 section 11.1 forbids DTDs)";
  if (markup.startsWith("<!--")) return "a comment (RFC 6120 section 11.1 forbids comments)";
  return `a markup declaration "${markup.slice(0, 12)}" (RFC 6120 section 11.1 forbids DTDs)`;
}

/** What a "&" at the start of `rest` is: "ok" with its length, "pending" (unfinished at the end), or a problem. */
function checkReference(rest: string): { length: number } | "pending" | string {
  const match = REFERENCE.exec(rest);
  if (match) {
    const [whole, , decimal, hex] = match;
    const cp = decimal !== undefined ? Number.parseInt(decimal, 10) : hex !== undefined ? Number.parseInt(hex, 16) : 0x20;
    if (!isXmlChar(cp)) return `a character reference ${whole} to a character XML does not allow`;
    return { length: whole.length };
  }
  if (rest.length < MAX_PENDING && REFERENCE_PREFIX.test(rest)) return "pending";
  const shown = rest.slice(0, Math.min(rest.length, 16)).split(/[\s<]/)[0];
  return `an entity reference "${shown}" other than the five predefined ones and character references`;
}

/** Scans the next chunk of a stream; pure: the same state and chunk give the same result. */
export function scanXmlChunk(state: XmlScanState, chunk: string): XmlScanResult {
  const text = state.pending + chunk;
  let inCdata = state.inCdata;
  let i = 0;
  // The next "<" and "&" at or after i, searched again only once passed (and -1 for good once none is
  // left), so that a long chunk is scanned in linear time.
  let lt = text.indexOf("<");
  let amp = text.indexOf("&");
  while (i < text.length) {
    if (inCdata) {
      const end = text.indexOf("]]>", i);
      if (end < 0) return { state: { inCdata, pending: text.slice(Math.max(i, text.length - 2)) } };
      i = end + 3;
      inCdata = false;
      continue;
    }
    if (lt >= 0 && lt < i) lt = text.indexOf("<", i);
    if (amp >= 0 && amp < i) amp = text.indexOf("&", i);
    const at = lt < 0 ? amp : amp < 0 ? lt : Math.min(lt, amp);
    if (at < 0) return { state: { inCdata, pending: "" } };
    const rest = text.slice(at, at + MAX_PENDING);
    if (at === amp) {
      const reference = checkReference(rest);
      if (reference === "pending") return { state: { inCdata, pending: text.slice(at) } };
      if (typeof reference === "string") return { state: { inCdata, pending: "" }, problem: reference };
      i = at + reference.length;
    } else if (rest === "<" || (rest.startsWith("<!") && rest.length < DECLARATION_KEYWORD_LENGTH) || (rest.length < 6 && XML_DECLARATION_OPEN.startsWith(rest))) {
      // The text ends before the keyword of "<!" or "<?" is complete: wait for the next chunk to tell
      // a CDATA section or the XML declaration from a DOCTYPE, ENTITY or processing instruction.
      return { state: { inCdata, pending: rest } };
    } else if (rest.startsWith(CDATA_OPEN)) {
      inCdata = true;
      i = at + CDATA_OPEN.length;
    } else if (rest.startsWith("<!")) {
      return { state: { inCdata, pending: "" }, problem: declarationReason(rest) };
    } else if (rest.startsWith("<?")) {
      // The XML declaration "<?xml version=...?>" opens a stream; any other processing instruction is refused.
      if (!/^<\?xml\s/.test(rest)) return { state: { inCdata, pending: "" }, problem: "a processing instruction (RFC 6120 section 11.1 forbids them)" };
      i = at + 2;
    } else {
      i = at + 1;
    }
  }
  return { state: { inCdata, pending: "" } };
}

/**
 * Why `text` must not reach the XML parser (a DOCTYPE or ENTITY declaration, a comment, a processing
 * instruction, an undeclared entity or an illegal character reference), or undefined when it may.
 * An unfinished construct at the very end is not a problem here; a stream is checked chunk by chunk
 * with scanXmlChunk, which carries it over.
 */
export function findForbiddenXml(text: string): string | undefined {
  return scanXmlChunk(INITIAL_XML_SCAN, text).problem;
}

/** Removes the characters XML 1.0 cannot carry (see the header), so that an outbound stanza stays well-formed. */
export function stripInvalidXmlChars(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "");
}
