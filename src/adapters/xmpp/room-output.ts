/**
 * How the gateway's rooms (gateway-rooms.ts) write to their occupants through the component's StanzaWriter: one
 * stanza, the stanzas of one event together, or an error reply refusing a stanza (never to an error, which would loop).
 */
import { xml } from "@xmpp/component";
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import type { StanzaWriter } from "./stanza-writer.js";
import { NS, errorCondition } from "./stanzas.js";

export class RoomOutput {
  constructor(
    private readonly writer: StanzaWriter,
    private readonly context: AdapterContext,
  ) {}

  write(element: Element): Promise<void> {
    return this.writer.one(element);
  }

  /** Stanzas made together (one event to every occupant): written in order, with one system call. */
  writeAll(elements: readonly Element[]): Promise<void> {
    return elements.length === 0 ? Promise.resolve() : this.writer.all(elements);
  }

  async refuse(stanza: Element, type: "cancel" | "modify" | "auth" | "wait" | "continue", condition: string, text: string): Promise<void> {
    this.context.log.info({ from: stanza.attrs["from"], to: stanza.attrs["to"], condition, reason: text }, "XMPP room stanza refused");
    if (stanza.attrs["type"] === "error") return;
    // A refused join echoes its <x xmlns='http://jabber.org/protocol/muc'/>, as XEP-0045's examples of join errors do.
    const join = stanza.name === "presence" && stanza.getChild("x", NS.muc) !== undefined;
    const reply = xml(
      stanza.name,
      { from: String(stanza.attrs["to"]), to: String(stanza.attrs["from"]), type: "error", ...(stanza.attrs["id"] ? { id: String(stanza.attrs["id"]) } : {}) },
      ...(join ? [xml("x", { xmlns: NS.muc })] : []),
      errorCondition(type, condition, text),
    );
    await this.write(reply).catch(() => undefined);
  }
}
