/**
 * Whose is the line an occupant of a bridge bot's MUC corrects (XEP-0308) or retracts (XEP-0424) (bot-muc-lines.ts):
 * the line is found by the id she names (the memory of ids, else after a restart the message log by her client's id
 * or the store by the room's stanza-id), and it is hers when the MUC's occupant ids (XEP-0421) of both match, whatever
 * her nick; where the MUC gives none, when her nick is held by the line's sender as the bot knows them (their
 * serial: muc-occupants.ts), or after a restart merely when the nick is the one the line was said under (the weaker
 * rule of MUCs without occupant ids: someone who took the nick since passes it). Anyone else's correction is a new
 * line and their retraction is dropped: the core only checks the nick, which a newcomer may have taken.
 *
 * Where the MUC gives occupant ids, the memory of ids keeps an occupant's lines under her occupant id (`lineKeeper`),
 * not her nick: after a nick change her correction still finds her line. It is then submitted from the address the
 * line was said from (its nick then: `OwnLine.from`), since the core takes a correction or retraction only from the
 * line's own sender address; the nick she has now is its sender name.
 */
import type { AdapterContext } from "../../core/adapter.js";
import { makeAddress, type Address } from "../../core/model/address.js";
import type { BotFailureReports } from "./bot-failure-reports.js";
import { CORRECTABLE_AFTER_RESTART } from "./logged-originals.js";
import { saidBy, type MucLineIds, type MucSpeaker } from "./muc-line-ids.js";

/** A line an occupant corrects or retracts, found hers: its gateway id, and the address it was said from. */
export interface OwnLine {
  readonly id: string;
  readonly from: Address;
}

/**
 * Whom the memory of ids (CorrectionIds) keeps the lines of `speaker` (at `from`) under: her occupant id where the MUC
 * gives one (XEP-0421: the same under any nick), else her occupant address (the nick).
 */
export function lineKeeper(from: Address, speaker: MucSpeaker): Address {
  // No occupant address is without a slash (muc/nick): this id is nobody's.
  return speaker.occupantId === undefined ? from : { ...from, id: `occupant-id ${speaker.occupantId}` };
}

export class BotLineOwners {
  constructor(
    private readonly context: AdapterContext,
    private readonly reports: BotFailureReports,
    private readonly lineIds: MucLineIds,
  ) {}

  /**
   * The gateway id of the line `speaker` (at `from`) names by `id` in `muc`, bridged to `room`, when it is hers; else
   * undefined. `remembered`: the memory of ids' answer (CorrectionIds); `roomIds`: whether `id` may be the room's stanza-id
   * of the line (a retraction's), looked up in the store after a restart.
   */
  async hers(muc: string, room: Address, from: Address, speaker: MucSpeaker, id: string, remembered: Promise<string | undefined>, roomIds: boolean): Promise<OwnLine | undefined> {
    const original = (await remembered) ?? (await this.logged(room, from, id)) ?? (roomIds ? await this.lineIds.gatewayIdOf(muc, id) : undefined);
    if (original === undefined) {
      this.context.log.debug({ muc, nick: speaker.nick, id }, "MUC correction or retraction of a line the bot does not know in this MUC: not carried as one");
      return undefined;
    }
    if (await this.saidBy(original, muc, speaker)) return { id: original, from: await this.saidFrom(original, muc, from, speaker) };
    this.context.log.info({ muc, nick: speaker.nick }, "MUC correction or retraction of someone else's line: not carried as one");
    return undefined;
  }

  /**
   * The address `speaker`'s line `gatewayId` was said from: under another nick when her occupant id says it was hers.
   * The nick is the bot's memory of who said it, else the store's line; a MUC without stanza ids has no line there.
   */
  private async saidFrom(gatewayId: string, muc: string, from: Address, speaker: MucSpeaker): Promise<Address> {
    if (speaker.occupantId === undefined) return from;
    const line = this.reports.sender(gatewayId) ?? (await this.lineIds.lineOf(muc, gatewayId));
    if (line === undefined || line.nick === speaker.nick || line.occupantId !== speaker.occupantId) return from;
    return makeAddress(from.protocol, from.account, `${muc.toLowerCase()}/${line.nick}`);
  }

  /** Whether `speaker` said line `gatewayId`: the bot's memory of who said it, else (a restart) the store's line. */
  private async saidBy(gatewayId: string, muc: string, speaker: MucSpeaker): Promise<boolean> {
    const remembered = this.reports.saidBy(gatewayId, muc, speaker);
    if (remembered !== undefined) return remembered;
    const line = await this.lineIds.lineOf(muc, gatewayId);
    return line !== undefined && saidBy(line, speaker);
  }

  /** The gateway id of the line `from` said with this client id in the bridged room, from the message log (a restart). */
  private async logged(room: Address, from: Address, stanzaId: string): Promise<string | undefined> {
    const logged = await this.context.roomArchive?.sentWithOriginId(room, from, stanzaId, CORRECTABLE_AFTER_RESTART);
    return logged?.origin.protocol === "xmpp" && logged.origin.account === this.context.account ? logged.id : undefined;
  }
}
