import assert from "node:assert/strict";
import { messageStanza, RETRACTION_FALLBACK } from "../../../src/adapters/xmpp/retraction-stanzas.js";

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

  it("writes any other message as the chat message it is", () => {
    assert.equal(messageStanza({}, options).getChildText("body"), "secret");
  });
});
