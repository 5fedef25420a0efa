/**
 * Leaving a room reached through one's own linked account (core/own-rooms.ts), with the account's real room keeper
 * (adapters/xmpp/account-mucs.ts) behind a stand-in adapter: a room kept from before a restart that the account did
 * not join again yet is left all the same, and no longer kept.
 */
import assert from "node:assert/strict";
import type { Element } from "ltx";
import type { Adapter, AdapterContext } from "../../../src/core/adapter.js";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { addressKey, makeAddress, type Address } from "../../../src/core/model/address.js";
import { OwnRooms } from "../../../src/core/own-rooms.js";
import { AccountMucs } from "../../../src/adapters/xmpp/account-mucs.js";

const ALICE = makeAddress("native", "default", "alice");
const LOBBY = makeAddress("xmpp", "u.alice", "lobby@conference.example.org");
const OTHER = makeAddress("xmpp", "u.alice", "other@conference.example.org");

/** Alice's linked account, whose rooms are `mucs`; what it writes is dropped (the room never answers). */
function accountOf(mucs: AccountMucs): Adapter {
  return {
    protocol: "xmpp",
    account: "u.alice",
    owner: ALICE,
    leaveRoom: (room: Address) => mucs.leave(room),
    ownRoom: (room: Address) => mucs.ownRoom(room),
  } as unknown as Adapter;
}

describe("OwnRooms", () => {
  let forgotten: string[];
  let written: Element[];
  let mucs: AccountMucs;
  let ownRooms: OwnRooms;

  beforeEach(() => {
    forgotten = [];
    written = [];
    const context = { account: "u.alice", log: createLogger("silent"), dispatch: () => undefined } as unknown as AdapterContext;
    mucs = new AccountMucs(context, ALICE, async (element) => void written.push(element), [{ room: LOBBY, nick: "alice" }]);
    const registry = new AdapterRegistry();
    registry.register(accountOf(mucs));
    ownRooms = new OwnRooms(registry, { keep: async () => undefined, marked: async () => undefined, renamed: async () => undefined, forget: async (owner, room) => void forgotten.push(`${addressKey(owner)} ${addressKey(room)}`) });
  });

  it("leaves a room kept from before a restart whose join again the room has not answered: no longer kept, not joined at the next login", async () => {
    mucs.rejoin(); // the login after the restart: the room does not answer
    assert.equal(ownRooms.listOf(ALICE).length, 0);
    await ownRooms.leave(LOBBY, ALICE);
    assert.deepEqual(forgotten, [`${addressKey(ALICE)} ${addressKey(LOBBY)}`]);
    assert.equal(written.at(-1)?.attrs["type"], "unavailable");
    written.length = 0;
    mucs.rejoin(); // the next login
    assert.deepEqual(written, []);
  });

  it("answers GW_ERR_NOT_MEMBER for a room she neither is in nor has kept, and keeps none of it", async () => {
    await assert.rejects(ownRooms.leave(OTHER, ALICE), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_NOT_MEMBER");
    assert.deepEqual(forgotten, [`${addressKey(ALICE)} ${addressKey(OTHER)}`]); // a row of it, if any, goes too
  });
});

describe("OwnRooms.rename", () => {
  it("keeps for the next start the nick the room gave her, which may not be the one she asked for (XEP-0045 status 210)", async () => {
    const kept: string[] = [];
    const account = {
      protocol: "xmpp",
      account: "u.alice",
      owner: ALICE,
      ownRoom: () => undefined,
      renameInOwnRoom: async (_room: Address, nick: string) => ({ address: ALICE, nick: `${nick}_`, role: "member" }),
    } as unknown as Adapter;
    const registry = new AdapterRegistry();
    registry.register(account);
    const ownRooms = new OwnRooms(registry, { keep: async () => undefined, marked: async () => undefined, forget: async () => undefined, renamed: async (_owner, _room, nick) => void kept.push(nick) });
    const member = await ownRooms.rename(LOBBY, ALICE, "alicia");
    assert.equal(member.nick, "alicia_");
    assert.deepEqual(kept, ["alicia_"]);
  });
});
