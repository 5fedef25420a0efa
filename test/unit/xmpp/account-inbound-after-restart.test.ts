import assert from "node:assert/strict";
import { parse } from "ltx";
import type { AdapterContext } from "../../../src/core/adapter.js";
import type { DirectLog } from "../../../src/core/direct-log.js";
import { createLogger } from "../../../src/core/logger.js";
import { parseAddress, type Address } from "../../../src/core/model/address.js";
import type { Message, MessageDraft } from "../../../src/core/model/message.js";
import { AccountInbound } from "../../../src/adapters/xmpp/account-inbound.js";
import type { AccountContactPresence } from "../../../src/adapters/xmpp/account-contact-presence.js";
import type { AwaitedReceipts } from "../../../src/adapters/xmpp/awaited-receipts.js";
import { Carbons } from "../../../src/adapters/xmpp/carbons.js";

const OWN = "alicex@example.org";
const owner = parseAddress("native:alice");
const MUC = "talk@conference.example.net";

/** A linked account's inbound side whose message log finds, for any origin id, a line of the sender's from before a restart. */
function inboundWithLog(): { inbound: AccountInbound; submitted: MessageDraft[]; asked: string[] } {
  const submitted: MessageDraft[] = [];
  const asked: string[] = [];
  const directLog: DirectLog = {
    sentWithOriginId: (from: Address, to: Address, originId: string): Promise<Message | undefined> => {
      asked.push(from.id);
      return Promise.resolve({ id: "g-old", scope: "direct", kind: "text", from, to, origin: { protocol: "xmpp", account: "u.alice", id: originId }, senderName: "x", body: "old", timestamp: 1, hops: [] });
    },
    message: () => Promise.resolve(undefined),
  };
  const context = {
    account: "u.alice",
    log: createLogger("silent"),
    directLog,
    submit: (draft: MessageDraft): Promise<Message> => {
      submitted.push(draft);
      return Promise.resolve({ ...draft, id: `g${submitted.length}`, timestamp: 1, hops: [] });
    },
    dispatch: () => undefined,
  } as unknown as AdapterContext;
  // The room announces occupant ids (XEP-0421): those of its occupants' private messages are its own.
  const occupantAt = (jid: string): { address: Address; nick: string; occupantIds: boolean } | undefined =>
    jid.startsWith(`${MUC}/`) ? { address: parseAddress(`xmpp://u.alice/${jid.replace("/", "%2F")}`), nick: jid.slice(MUC.length + 1), occupantIds: true } : undefined;
  const inbound = new AccountInbound({
    context,
    owner,
    ownJid: OWN,
    carbons: new Carbons(context, owner, OWN, "switchboard", (jid) => occupantAt(jid)?.address),
    awaited: { received: () => undefined } as unknown as AwaitedReceipts,
    contactPresence: {} as unknown as AccountContactPresence,
    occupantAt,
    write: () => Promise.resolve(),
    offline: { delivering: false },
  });
  return { inbound, submitted, asked };
}

const retraction = (from: string): string =>
  `<message from="${from}" to="${OWN}/switchboard" type="chat" id="r1"><retract xmlns="urn:xmpp:message-retract:1" id="m1"/><body>retracted</body></message>`;
const correction = (from: string): string =>
  `<message from="${from}" to="${OWN}/switchboard" type="chat" id="c1"><replace xmlns="urn:xmpp:message-correct:0" id="m1"/><body>fixed</body></message>`;

describe("a linked account's contacts' corrections and retractions of lines from before a restart", () => {
  it("finds a contact's own line in the message log", async () => {
    const { inbound, submitted } = inboundWithLog();
    await inbound.message(parse(retraction("juliet@example.net/balcony")));
    await inbound.message(parse(correction("juliet@example.net/balcony")));
    assert.deepEqual(submitted.map((draft) => [draft.retracts, draft.replaces]), [["g-old", undefined], [undefined, "g-old"]]);
  });

  it("does not look a MUC occupant's up: her address is a nick, which someone else may hold since that line", async () => {
    const { inbound, submitted, asked } = inboundWithLog();
    await inbound.message(parse(retraction(`${MUC}/bob`)));
    await inbound.message(parse(correction(`${MUC}/bob`)));
    assert.deepEqual(asked, [], "the log is not asked for an occupant's line");
    assert.deepEqual(submitted.map((draft) => [draft.retracts, draft.replaces, draft.body]), [[undefined, undefined, "fixed"]], "the retraction is left alone, the correction taken as a new line");
  });
});
