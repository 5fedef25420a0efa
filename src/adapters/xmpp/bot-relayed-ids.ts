/**
 * The MUCs' own ids of the lines a bridge bot relayed into them (XEP-0359 <stanza-id by="room"/>, in the reflection
 * of each line), by the line's gateway id: a XEP-0424 retraction in a MUC names the line by the room's stanza-id
 * (section 5). Bounded, as the ids of occupants' lines are (message-memory.ts): retractions are of recent lines.
 */
import type { Element } from "ltx";
import { RecentMap } from "./message-memory.js";
import { NS } from "./stanzas.js";

/** How long a retraction waits for the reflection of a line sent a moment before (it is usually there in milliseconds). */
const ECHO_WAIT_MS = 5000;

export class BotRelayedIds {
  /** "muc gateway-id" -> the MUC's stanza-id of that line. */
  private readonly roomIds = new RecentMap<string>();
  /** Lines sent whose reflection has not come yet: a retraction right after its line waits for the room's id. */
  private readonly unechoed = new RecentMap<() => void>();
  private readonly echoes = new RecentMap<Promise<void>>();

  /** The bot wrote line `gatewayId` to `muc`: its reflection is awaited. */
  sent(muc: string, gatewayId: string): void {
    const key = keyOf(muc, gatewayId);
    this.echoes.set(key, new Promise((resolve) => this.unechoed.set(key, resolve)));
  }

  /**
   * The MUC reflected one of the bot's own lines: the bot sent it with the gateway id as its stanza id, which a MUC
   * keeps in the reflection (XEP-0045 section 7.2.16); the room's stanza-id there is remembered for that gateway id.
   */
  echoed(stanza: Element, muc: string): void {
    const gatewayId = stanza.attrs["id"];
    if (typeof gatewayId !== "string" || gatewayId === "") return;
    const key = keyOf(muc, gatewayId);
    const roomId = mucStanzaId(stanza, muc);
    if (roomId !== undefined) this.roomIds.set(key, roomId);
    this.unechoed.get(key)?.();
    this.unechoed.delete(key);
    this.echoes.delete(key);
  }

  /**
   * The id by which a retraction names the bot's line `gatewayId` in `muc`: the room's stanza-id, or where the MUC gave
   * none (or the line was relayed before a restart) the bot's own stanza id, the gateway id, as XEP-0424 before 0.4 did.
   */
  async retractionTarget(muc: string, gatewayId: string): Promise<string> {
    const key = keyOf(muc, gatewayId);
    const echo = this.echoes.get(key);
    if (echo !== undefined && this.roomIds.get(key) === undefined) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([echo, new Promise<void>((resolve) => (timer = setTimeout(resolve, ECHO_WAIT_MS)))]);
      clearTimeout(timer);
    }
    return this.roomIds.get(key) ?? gatewayId;
  }
}

function keyOf(muc: string, gatewayId: string): string {
  return `${muc.toLowerCase()} ${gatewayId}`;
}

/** The id the MUC itself gave a line (XEP-0359 <stanza-id by="muc"/>); any other's is not the room's. */
export function mucStanzaId(stanza: Element, muc: string): string | undefined {
  const element = stanza.getChildren("stanza-id", NS.stanzaId).find((child) => String(child.attrs["by"] ?? "").toLowerCase() === muc.toLowerCase());
  const id = element?.attrs["id"];
  return typeof id === "string" && id.length > 0 ? id : undefined;
}
