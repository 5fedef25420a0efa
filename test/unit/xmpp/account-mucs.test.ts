import assert from "node:assert/strict";
import { parse, type Element } from "ltx";
import type { AdapterContext } from "../../../src/core/adapter.js";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { makeAddress } from "../../../src/core/model/address.js";
import { AccountMucs } from "../../../src/adapters/xmpp/account-mucs.js";

const OWNER = makeAddress("native", "default", "alice");
const ROOM = makeAddress("xmpp", "u.alice", "lobby@conference.example.org");

/** Her account's MUCs, writing through `write`; the room takes her in at her join (self-presence, status 110). */
function mucs(write: (element: Element) => Promise<void>, dispatched: unknown[] = []): AccountMucs {
  const context = { account: "u.alice", log: createLogger("silent"), dispatch: (event: unknown) => void dispatched.push(event) } as unknown as AdapterContext;
  return new AccountMucs(context, OWNER, write);
}

/** Her occupant's unavailable self-presence under `nick`, with those status codes (110 among them). */
function selfUnavailable(nick: string, codes: string[], newNick?: string): Element {
  const item = newNick === undefined ? `<item affiliation="none" role="none"/>` : `<item affiliation="none" role="participant" nick="${newNick}"/>`;
  const statuses = codes.map((code) => `<status code="${code}"/>`).join("");
  return parse(`<presence type="unavailable" from="lobby@conference.example.org/${nick}"><x xmlns="http://jabber.org/protocol/muc#user">${item}${statuses}</x></presence>`);
}

function selfPresence(): Element {
  return parse(
    `<presence from="lobby@conference.example.org/alice"><x xmlns="http://jabber.org/protocol/muc#user"><item affiliation="none" role="participant"/><status code="110"/></x></presence>`,
  );
}

describe("AccountMucs", () => {
  it("a leave while the account's connection is gone still leaves: the room is not kept for her, and the leave is not refused", async () => {
    let connected = true;
    const written: Element[] = [];
    const write = async (element: Element): Promise<void> => {
      if (!connected) throw new GatewayError("GW_ERR_UNAVAILABLE", "the XMPP account is not connected", { retryable: true });
      written.push(element);
    };
    const rooms = mucs(write);
    const joined = rooms.join(ROOM, "alice", undefined);
    await Promise.resolve();
    rooms.presence(selfPresence());
    assert.equal((await joined).address.id, ROOM.id);
    connected = false;
    rooms.lost();
    // The server put her occupant out with the connection: nothing to tell it, and her leave is done.
    await rooms.leave(ROOM);
    assert.equal(rooms.ownRoom(ROOM), undefined);
  });

  it("a leave while her join waits for the room's answer ends that join at once (GW_ERR_NOT_MEMBER), and the room is not hers", async () => {
    const written: Element[] = [];
    const rooms = mucs(async (element) => void written.push(element));
    const joining = rooms.join(ROOM, "alice", undefined);
    await Promise.resolve();
    await rooms.leave(ROOM);
    await assert.rejects(joining, (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_NOT_MEMBER");
    assert.equal(written.at(-1)?.attrs["type"], "unavailable");
    assert.equal(rooms.presence(selfPresence()), false); // a late answer: no room of hers
    assert.equal(rooms.ownRoom(ROOM), undefined);
  });

  it("takes her nick change's unavailable presence (303) for no leave, and the room's drop after her account's unavailable presence for a reason to join again", async () => {
    const written: Element[] = [];
    const dispatched: unknown[] = [];
    const rooms = mucs(async (element) => void written.push(element), dispatched);
    const joined = rooms.join(ROOM, "alice", undefined);
    await Promise.resolve();
    rooms.presence(selfPresence());
    await joined;
    rooms.presence(selfUnavailable("alice", ["303", "110"], "Alicia"));
    assert.notEqual(rooms.ownRoom(ROOM), undefined);
    rooms.unavailable();
    rooms.presence(selfUnavailable("alice", ["110"]));
    const again = written.at(-1);
    assert.deepEqual([again?.attrs["to"], again?.getChild("x", "http://jabber.org/protocol/muc") !== undefined], [`${ROOM.id}/alice`, true]); // joined again
    rooms.presence(selfPresence());
    assert.notEqual(rooms.ownRoom(ROOM), undefined);
    assert.deepEqual(dispatched, []); // no member-left: the core keeps the room
  });

  it("answers her room.join still waiting for the room by the join again after her account went unavailable: no timeout, no leave", async () => {
    const written: Element[] = [];
    const dispatched: unknown[] = [];
    const rooms = mucs(async (element) => void written.push(element), dispatched);
    const joining = rooms.join(ROOM, "alice", undefined);
    await Promise.resolve();
    rooms.unavailable();
    rooms.presence(selfUnavailable("alice", ["110"])); // the room dropped her before its answer reached her
    assert.equal(written.length, 2, "joined again");
    rooms.presence(selfPresence()); // the answer to that join
    assert.equal((await joining).address.id, ROOM.id);
    assert.equal(written.some((element) => element.attrs["type"] === "unavailable"), false, "no leave sent");
    assert.notEqual(rooms.ownRoom(ROOM), undefined);
    assert.deepEqual(dispatched, []);
  });

  it("answers her room.join by the refusal of the join again, once: the room is forgotten and left, without a member-left of a room she never had", async () => {
    const written: Element[] = [];
    const dispatched: unknown[] = [];
    const rooms = mucs(async (element) => void written.push(element), dispatched);
    const joining = rooms.join(ROOM, "alice", undefined);
    await Promise.resolve();
    rooms.unavailable();
    rooms.presence(selfUnavailable("alice", ["110"]));
    rooms.presence(parse(`<presence type="error" from="${ROOM.id}/alice"><error type="cancel"><registration-required xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></presence>`));
    await assert.rejects(joining, (error: unknown) => error instanceof GatewayError && error.code !== "GW_ERR_UNAVAILABLE");
    assert.equal(rooms.ownRoom(ROOM), undefined);
    assert.equal(written.at(-1)?.attrs["type"], "unavailable");
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(dispatched, []);
  });

  it("takes a drop she did not cause for being put out: the room is forgotten, and still known as a room", async () => {
    const dispatched: { type?: string }[] = [];
    const rooms = mucs(async () => undefined, dispatched);
    const joined = rooms.join(ROOM, "alice", undefined);
    await Promise.resolve();
    rooms.presence(selfPresence());
    await joined;
    rooms.presence(selfUnavailable("alice", ["110", "307"]));
    assert.equal(rooms.ownRoom(ROOM), undefined);
    assert.deepEqual(dispatched.map((event) => event.type), ["member-left"]);
    assert.equal(rooms.has(ROOM), true); // a chat to its JID is still refused
  });

  it("sets a subject without what XML cannot carry (a control character would close her account's stream), answered once the room shows it", async () => {
    const written: Element[] = [];
    const rooms = mucs(async (element) => void written.push(element));
    const joined = rooms.join(ROOM, "alice", undefined);
    await Promise.resolve();
    rooms.presence(selfPresence());
    await joined;
    const setting = rooms.setSubject(ROOM, "news\u0001 today");
    await Promise.resolve();
    assert.equal(written.at(-1)?.getChildText("subject"), "news today");
    rooms.message(parse(`<message type="groupchat" from="${ROOM.id}/alice"><subject>news today</subject></message>`));
    await setting;
  });
});
