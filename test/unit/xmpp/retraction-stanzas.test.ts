import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { messageStanza, moderationOf, RETRACTION_FALLBACK } from "../../../src/adapters/xmpp/retraction-stanzas.js";

const options = { from: "alice@gw", to: "juliet@example.org", id: "m-2", body: "secret", kind: "text" as const, type: "chat" as const };

describe("XEP-0424 stanzas", () => {
  it("writes a retraction naming the message, with the fallback body, its marker and a store hint, and none of the words", () => {
    const stanza = messageStanza({ retracts: "m-1" }, options);
    assert.equal(
      stanza.toString(),
      `<message id="m-2" type="chat" from="alice@gw" to="juliet@example.org"><retract xmlns="urn:xmpp:message-retract:1" id="m-1"/><fallback xmlns="urn:xmpp:fallback:0" for="urn:xmpp:message-retract:1"/><body>${RETRACTION_FALLBACK}</body><store xmlns="urn:xmpp:hints"/></message>`,
    );
  });

  it("writes a retracted message as a tombstone without a body", () => {
    const stanza = messageStanza({ retracted: true }, { ...options, type: "groupchat" });
    assert.equal(stanza.toString(), '<message id="m-2" type="groupchat" from="alice@gw" to="juliet@example.org"><retracted xmlns="urn:xmpp:message-retract:1"/></message>');
  });

  it("writes a moderator's retraction (XEP-0425) with who moderated, her occupant id and the reason, inside the retract", () => {
    const stanza = messageStanza({ retracts: "m-1", moderated: { by: "Mod", reason: "spam" } }, { ...options, from: "#room@gw", type: "groupchat" }, { roomJid: "#room@gw", occupantId: "o-1" });
    assert.equal(
      stanza.getChild("retract", "urn:xmpp:message-retract:1")?.toString(),
      '<retract xmlns="urn:xmpp:message-retract:1" id="m-1"><moderated xmlns="urn:xmpp:message-moderate:1" by="#room@gw/Mod"><occupant-id xmlns="urn:xmpp:occupant-id:0" id="o-1"/></moderated><reason>spam</reason></retract>',
    );
  });

  it("writes a moderated tombstone with who moderated and why, and no reason element without a reason", () => {
    const stanza = messageStanza({ retracted: true, moderated: { by: "Mod" } }, { ...options, type: "groupchat" }, { roomJid: "#room@gw" });
    assert.equal(stanza.getChild("retracted")?.toString(), '<retracted xmlns="urn:xmpp:message-retract:1"><moderated xmlns="urn:xmpp:message-moderate:1" by="#room@gw/Mod"/></retracted>');
  });

  it("writes any other message as the chat message it is", () => {
    assert.equal(messageStanza({}, options).getChildText("body"), "secret");
  });
});

describe("XEP-0425 moderations heard from a MUC", () => {
  const muc = "lobby@conference.example.org";

  it("reads version 0.3's retraction by the room, with the moderator's nick and the reason", () => {
    const stanza = messageStanza({ retracts: "sid-1", moderated: { by: "Mod", reason: "spam" } }, { from: muc, id: "r-1", body: "", kind: "text", type: "groupchat" }, { roomJid: muc });
    assert.deepEqual(moderationOf(stanza, muc), { retracts: "sid-1", by: "Mod", reason: "spam" });
  });

  it("reads version 0.2's fastened moderation, and leaves out a moderator of another room and an empty reason", () => {
    const older = xml("message", { from: muc, type: "groupchat" }, xml("apply-to", { xmlns: "urn:xmpp:fasten:0", id: "sid-2" }, xml("moderated", { xmlns: "urn:xmpp:message-moderate:0", by: `other@conference.example.org/Mod` }, xml("retract", { xmlns: "urn:xmpp:message-retract:0" }), xml("reason", {}, " "))));
    assert.deepEqual(moderationOf(older, muc), { retracts: "sid-2" });
  });

  it("finds none in an occupant's own retraction, nor in a moderation without the line's id", () => {
    const own = messageStanza({ retracts: "sid-3" }, { from: `${muc}/Juliet`, id: "r-3", body: "", kind: "text", type: "groupchat" });
    assert.equal(moderationOf(own, muc), undefined);
    const idless = xml("message", { from: muc, type: "groupchat" }, xml("retract", { xmlns: "urn:xmpp:message-retract:1" }, xml("moderated", { xmlns: "urn:xmpp:message-moderate:1", by: `${muc}/Mod` })));
    assert.equal(moderationOf(idless, muc), undefined);
  });
});
