/**
 * A moderator's retraction (XEP-0425) in a MUC alice joined through her linked XMPP account, against a real Prosody and
 * the real daemon. The MUC is one of the gateway's own rooms, reached by the account through Prosody as any MUC is
 * (Prosody 0.12 has no mod_muc_moderation): carol, its owner, moderates bob's line with a reason, the room sends the
 * retraction from its bare JID, and alice's sessions get it as a retraction with the moderator and the reason. A
 * retraction that only claims to be a moderation, from an occupant's JID, is not taken as one.
 */
import assert from "node:assert/strict";
import { componentYaml } from "../helpers/config-yaml.js";
import { useLinkedAccount } from "../helpers/linked-account-suite.js";
import type { Frame } from "../helpers/native-client.js";

const TIMEOUT = 15_000;

const messageOf = (frame: Frame): Record<string, unknown> => frame["message"] as Record<string, unknown>;

describe("a moderator's retraction in a MUC joined through a linked XMPP account", function () {
  const suite = useLinkedAccount({ xmppYaml: (prosody) => componentYaml(prosody) });

  it("shows her the room's moderation of a line as a retraction with the moderator and the reason", async function () {
    const alice = suite.alice();
    const carol = await suite.native("carolm", { register: true });
    const bob = await suite.native("bobm", { register: true });
    await carol.ok({ type: "room.create", name: "modroom" });
    await bob.ok({ type: "room.join", room: "modroom" });
    const room = `xmpp://u.alice/%23modroom@${suite.prosody().componentDomain}`;
    await alice.ok({ type: "room.join", room, nick: "alicex" }, TIMEOUT);

    const said = await bob.ok({ type: "room.send", room: "modroom", body: "buy cheap watches" });
    const shown = messageOf(await alice.waitForType("message", (frame) => messageOf(frame)["body"] === "buy cheap watches", TIMEOUT));
    await carol.ok({ type: "room.retract", room: "modroom", message_id: said["message_id"] as string, reason: "spam" });

    const unsaid = messageOf(await alice.waitForType("message", (frame) => messageOf(frame)["retracts"] !== undefined, TIMEOUT));
    assert.deepEqual([unsaid["retracts"], unsaid["to"], unsaid["body"], unsaid["moderated"]], [shown["id"], room, "", { by: "carolm", reason: "spam" }], JSON.stringify(unsaid));
    assert.equal(unsaid["from"], `${room}%2Fcarolm`, "from the moderator as an occupant of the room");
  });
});
