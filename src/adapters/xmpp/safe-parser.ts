/**
 * A guard in front of the XMPP stream parser (ltx, via @xmpp/xml). ltx throws from write() on an unknown
 * entity or an illegal character reference, and @xmpp/connection calls write() straight from the socket's
 * data handler, so such bytes would be an uncaught exception; a DOCTYPE silently swallows the rest of the
 * stream. RFC 6120 section 11.1 forbids both in XMPP. Every chunk is scanned first (xml-safety.ts); restricted
 * XML, or anything the parser throws, becomes a parser "error", which closes the stream with a stream error
 * instead of crashing or hanging the gateway.
 */
import { INITIAL_XML_SCAN, scanXmlChunk, type XmlScanState } from "./xml-safety.js";

export interface StreamParser {
  write(chunk: string): void;
  emit(event: string, ...args: unknown[]): boolean;
}

export type StreamParserClass = new () => StreamParser;

export function guardedParser(Base: StreamParserClass): StreamParserClass {
  return class GuardedParser extends Base {
    private scan: XmlScanState = INITIAL_XML_SCAN;

    override write(chunk: string): void {
      const result = scanXmlChunk(this.scan, chunk);
      this.scan = result.state;
      if (result.problem !== undefined) {
        this.emit("error", Object.assign(new Error(`restricted XML refused: ${result.problem}`), { condition: "restricted-xml" }));
        return;
      }
      try {
        super.write(chunk);
      } catch (error: unknown) {
        this.emit("error", Object.assign(new Error(`malformed XML: ${(error as Error).message}`), { condition: "not-well-formed" }));
      }
    }
  };
}
