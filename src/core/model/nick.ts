/**
 * Nicks as people read them. A room shows a nick as its speaker's name on every network (a MUC occupant, an IRC
 * relay's `<name>` prefix, native sender_name), so two nicks that look the same are the same nick, and a nick
 * must not be made to look like another: nicks compare by nickKey (compatibility forms, case, spaces and invisible
 * characters folded away), and nickLookProblem refuses what only serves to deceive: invisible characters, bidi
 * controls that reorder what follows, spaces at either end, and letters of two of the scripts whose letters look
 * alike (Latin, Greek, Cyrillic: "аlice" with a Cyrillic а).
 */

import { memoizeStrings } from "../../util/string-memo.js";

/** Invisible or reordering characters; the emoji joiner (U+200D) and variation selectors stay (they build emoji). */
const DECEIVING = /\p{Bidi_Control}|[\u00AD\u115F\u1160\u200B\u200C\u2060-\u2064\u206A-\u206F\u2800\u3164\uFEFF\uFFA0]|\u034F|\u17B4|\u17B5|\u180B|\u180C|\u180D|\u180E|\u180F/u;

const LOOKALIKE_SCRIPTS = [/\p{Script=Latin}/u, /\p{Script=Greek}/u, /\p{Script=Cyrillic}/u];

/**
 * How two nicks compare: equal keys look the same to people. Remembered: a relayed room line compares its
 * sender's name with every member's nick (core/room-routing.ts senderNameIn).
 */
export const nickKey: (nick: string) => string = memoizeStrings((nick) => nick.normalize("NFKC").replace(/[\s\p{Default_Ignorable_Code_Point}]/gu, "").toLowerCase());

/** Why a nick would deceive its readers, or undefined when it would not. */
export function nickLookProblem(nick: string): string | undefined {
  if (DECEIVING.test(nick)) return "has an invisible or bidirectional control character";
  if (nickKey(nick) === "") return "shows nothing (only joiners or variation selectors)";
  if (nick !== nick.trim()) return "starts or ends with a space";
  if (LOOKALIKE_SCRIPTS.filter((script) => script.test(nick)).length > 1) return "mixes Latin, Greek or Cyrillic letters, which look alike";
  return undefined;
}
