import assert from "node:assert/strict";
import { parse, type Element } from "ltx";
import { createLogger } from "../../../src/core/logger.js";
import { AccountMucCatchUp, CATCH_UP_LIMIT, type AskRoom } from "../../../src/adapters/xmpp/account-muc-catch-up.js";
import { MucFeatures } from "../../../src/adapters/xmpp/muc-features.js";
import { parseMessageStanza } from "../../../src/adapters/xmpp/parse.js";

const MUC = "lobby@conference.example.org";
const MAM = "urn:xmpp:mam:2";

/** The room's features as asked at a join (muc-features.ts), the join under way. */
function joinedFeatures(ask: AskRoom): MucFeatures {
  const features = new MucFeatures(createLogger("silent"), ask);
  features.joined(MUC);
  return features;
}

function line(id: string, body: string, from = `${MUC}/Juliet`): Element {
  return parse(`<message from="${from}" type="groupchat"><body>${body}</body><stanza-id xmlns="urn:xmpp:sid:0" by="${MUC}" id="${id}"/></message>`);
}

function result(from: string, queryid: string, id: string, body: string): Element {
  return parse(
    `<message from="${from}"><result xmlns="${MAM}" queryid="${queryid}" id="${id}"><forwarded xmlns="urn:xmpp:forward:0"><message xmlns="jabber:client" from="${MUC}/Juliet" type="groupchat"><body>${body}</body></message></forwarded></result></message>`,
  );
}

/**
 * A room with an archive of `count` lines (ids a1..aN, bodies "line N") answering disco#info and MAM queries paged
 * back by RSM <before/>; each page comes with a forged result from juliet's own JID under the same queryid and one
 * from the room under a queryid nobody asked for.
 */
function fakeRoom(count: number, options: { archived?: boolean } = {}): { catchUp: AccountMucCatchUp; given: string[]; kept: string[]; queries: number } {
  const ids = Array.from({ length: count }, (_, index) => `a${index + 1}`);
  const state = { catchUp: undefined as unknown as AccountMucCatchUp, given: [] as string[], kept: [] as string[], queries: 0 };
  const ask = async (iq: Element): Promise<Element> => {
    const disco = iq.getChild("query", "http://jabber.org/protocol/disco#info");
    if (disco) return parse(`<iq type="result" from="${String(iq.attrs["to"])}"><query xmlns="http://jabber.org/protocol/disco#info">${options.archived === false ? "" : `<feature var="${MAM}"/><feature var="urn:xmpp:sid:0"/>`}</query></iq>`);
    state.queries++;
    const query = iq.getChild("query", MAM) as Element;
    const queryid = String(query.attrs["queryid"]);
    const set = query.getChild("set", "http://jabber.org/protocol/rsm") as Element;
    const max = Number(set.getChildText("max"));
    const before = set.getChildText("before") ?? "";
    const end = before === "" ? ids.length : ids.indexOf(before);
    const start = Math.max(0, end - max);
    for (const id of ids.slice(start, end)) {
      state.catchUp.result(result("juliet@example.org/phone", queryid, `forged-${id}`, `forged ${id}`));
      state.catchUp.result(result(MUC, "not-asked", `stale-${id}`, `stale ${id}`));
      state.catchUp.result(result(MUC, queryid, id, `line ${id.slice(1)}`));
    }
    return parse(`<iq type="result"><fin xmlns="${MAM}" complete="${start === 0}"/></iq>`);
  };
  state.catchUp = new AccountMucCatchUp(
    createLogger("silent"),
    ask,
    joinedFeatures(ask),
    (_muc, message) => state.given.push(message.getChildText("body") ?? ""),
    (_muc, mark) => state.kept.push(mark),
  );
  return state;
}

describe("AccountMucCatchUp", () => {
  it("gives the archive's lines after the mark in order, then the live lines held meanwhile, none twice, and ignores results from anyone but the room asked", async () => {
    const room = fakeRoom(6);
    room.catchUp.restore(MUC, "a3");
    room.catchUp.joining(MUC);
    const live = (id: string, body: string): void => room.catchUp.heard(MUC, line(id, body), () => room.given.push(`live ${body}`));
    live("a6", "line 6"); // said after the join, in the archive too: given once
    live("a7", "line 7");
    await room.catchUp.joined(MUC);
    assert.deepEqual(room.given, ["line 4", "line 5", "line 6", "live line 7"]);
    assert.deepEqual(room.kept, ["a7"]);
    live("a7", "line 7"); // a line given already is not given again
    live("a8", "line 8");
    assert.deepEqual(room.given.slice(4), ["live line 8"]);
  });

  it("stops paging back at the page that holds the mark, and gives only what follows it", async () => {
    const room = fakeRoom(250); // pages of 100 from the end: a151..a250, then a51..a150, which holds the mark
    room.catchUp.restore(MUC, "a120");
    room.catchUp.joining(MUC);
    await room.catchUp.joined(MUC);
    assert.equal(room.queries, 2, "no page older than the mark's is read");
    assert.deepEqual([room.given.length, room.given[0], room.given.at(-1)], [130, "line 121", "line 250"]);
  });

  it("takes a forged result neither as a line nor as the room's", () => {
    const room = fakeRoom(0);
    assert.equal(room.catchUp.result(result("juliet@example.org/phone", "q1", "x1", "forged")), true);
    assert.equal(room.catchUp.result(line("a1", "not a result")), false);
    assert.deepEqual(room.given, []);
  });

  it("pages back from the archive's end and gives at most CATCH_UP_LIMIT lines, the newest, when the mark is further back", async () => {
    const room = fakeRoom(CATCH_UP_LIMIT + 150);
    room.catchUp.restore(MUC, "a20");
    room.catchUp.joining(MUC);
    await room.catchUp.joined(MUC);
    assert.equal(room.given.length, CATCH_UP_LIMIT);
    assert.deepEqual([room.given[0], room.given.at(-1)], [`line ${151}`, `line ${CATCH_UP_LIMIT + 150}`]);
  });

  it("at her first join asks only where the archive ends: nothing said before she came is given", async () => {
    const room = fakeRoom(5);
    room.catchUp.joining(MUC);
    await room.catchUp.joined(MUC);
    assert.deepEqual([room.given, room.kept], [[], ["a5"]]);
  });

  it("does not ask a room without an archive for one, and gives its live lines once the join is over", async () => {
    const room = fakeRoom(5, { archived: false });
    room.catchUp.restore(MUC, "a1");
    room.catchUp.joining(MUC);
    room.catchUp.heard(MUC, line("b1", "hello"), () => room.given.push("live hello"));
    assert.deepEqual(room.given, []);
    await room.catchUp.joined(MUC);
    assert.deepEqual([room.given, room.queries], [["live hello"], 0]);
  });
});

describe("AccountMucCatchUp: the archive's time of each line", () => {
  it("gives an archived line with the archive's delay as its only one, which parses as when it was said; a delay its sender's client wrote is taken off", async () => {
    const given: Element[] = [];
    const stamps = { b1: "2026-12-07T02:00:00Z", b2: "2026-12-07T02:00:30Z" };
    const room: { catchUp?: AccountMucCatchUp } = {};
    const ask = async (iq: Element): Promise<Element> => {
      if (iq.getChild("query", "http://jabber.org/protocol/disco#info")) return parse(`<iq type="result" from="${String(iq.attrs["to"])}"><query xmlns="http://jabber.org/protocol/disco#info"><feature var="${MAM}"/><feature var="urn:xmpp:sid:0"/></query></iq>`);
      const queryid = String(iq.getChild("query", MAM)?.attrs["queryid"]);
      const own = `<delay xmlns="urn:xmpp:delay" from="example.org" stamp="2026-12-07T01:00:00Z"/>`;
      for (const [id, stamp] of Object.entries(stamps)) {
        room.catchUp?.result(
          parse(
            `<message from="${MUC}"><result xmlns="${MAM}" queryid="${queryid}" id="${id}"><forwarded xmlns="urn:xmpp:forward:0"><delay xmlns="urn:xmpp:delay" stamp="${stamp}"/>` +
              `<message xmlns="jabber:client" from="${MUC}/Juliet" type="groupchat"><body>${id}</body>${id === "b2" ? own : ""}</message></forwarded></result></message>`,
          ),
        );
      }
      return parse(`<iq type="result"><fin xmlns="${MAM}" complete="true"/></iq>`);
    };
    const catchUp = new AccountMucCatchUp(createLogger("silent"), ask, joinedFeatures(ask), (_muc, message) => given.push(message), () => undefined);
    room.catchUp = catchUp;
    catchUp.restore(MUC, "");
    catchUp.joining(MUC);
    await catchUp.joined(MUC);
    const times = given.map((message) => {
      const parsed = parseMessageStanza(message, { to: MUC });
      return parsed.ok ? parsed.value.sentAt : undefined;
    });
    assert.deepEqual(times, [Date.UTC(2026, 11, 7, 2, 0, 0), Date.UTC(2026, 11, 7, 2, 0, 30)]);
    assert.equal(given[1]?.getChildren("delay", "urn:xmpp:delay").length, 1);
  });
});
