/**
 * A linked XMPP account's MUCs are rooms (XmppUserAdapter.isRoom): the router refuses a direct message to one at
 * submit (GW_ERR_BAD_ADDRESS) rather than sending a chat the MUC would bounce. Built with a room kept from before a
 * restart, without connecting.
 */
import assert from "node:assert/strict";
import type { AdapterContext } from "../../../src/core/adapter.js";
import { createLogger } from "../../../src/core/logger.js";
import { makeAddress } from "../../../src/core/model/address.js";
import { XmppUserAdapter } from "../../../src/adapters/xmpp/user-adapter.js";

const ALICE = makeAddress("native", "default", "alice");
const LOBBY = makeAddress("xmpp", "u.alice", "lobby@conference.example.org");

function account(): XmppUserAdapter {
  const context = { account: "u.alice", log: createLogger("silent"), dispatch: () => undefined } as unknown as AdapterContext;
  const config = { owner: ALICE, jid: "alice@example.org", password: "secret", service: "xmpp://example.org:5222", internalHosts: [], rooms: [{ room: LOBBY, nick: "alice" }] };
  return new XmppUserAdapter(config, context);
}

describe("XmppUserAdapter.isRoom", () => {
  it("is true of a MUC she has through the account (kept from before a restart too), false of anyone else", () => {
    const adapter = account();
    assert.equal(adapter.isRoom(LOBBY), true);
    assert.equal(adapter.isRoom(makeAddress("xmpp", "u.alice", "lobby@conference.example.org/Juliet")), false); // an occupant: private messages
    assert.equal(adapter.isRoom(makeAddress("xmpp", "u.alice", "juliet@example.org")), false);
    assert.equal(adapter.isRoom(makeAddress("xmpp", "u.bob", "lobby@conference.example.org")), false);
  });
});
