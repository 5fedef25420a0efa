import assert from "node:assert/strict";
import { xml } from "@xmpp/component";
import { MAX_PAGE_SIZE, readMamQuery, type MamRequest } from "../../../src/adapters/xmpp/mam-query.js";

const MAM = "urn:xmpp:mam:2";
const RSM = "http://jabber.org/protocol/rsm";
const ROOM = "#lobby@gw.example.org";

type Child = ReturnType<typeof xml>;
const field = (name: string, ...values: string[]): Child => xml("field", { var: name }, ...values.map((value) => xml("value", {}, value)));
const form = (...fields: Child[]): Child => xml("x", { xmlns: "jabber:x:data", type: "submit" }, field("FORM_TYPE", MAM), ...fields);
const set = (...children: Child[]): Child => xml("set", { xmlns: RSM }, ...children);
const query = (...children: Child[]): Child => xml("query", { xmlns: MAM, queryid: "q1" }, ...children);

function request(element: Child): MamRequest {
  const read = readMamQuery(element, ROOM);
  if ("condition" in read) throw new Error(`refused: ${read.condition} ${read.text}`);
  return read;
}

function refusal(element: Child): string {
  const read = readMamQuery(element, ROOM);
  return "condition" in read ? read.condition : "accepted";
}

describe("reading a XEP-0313 query of a gateway room's archive", () => {
  it("asks for the oldest page of 50 when the query says nothing", () => {
    assert.deepEqual(request(xml("query", { xmlns: MAM })), { query: {}, limit: 50, from: "oldest", flip: false, matchesNothing: false, namedIds: [] });
    assert.equal(request(query()).queryId, "q1");
  });

  it("reads the form's times, ids and sender, and names every id that must exist", () => {
    const read = request(query(form(field("start", "2026-12-04T10:00:00Z"), field("end", "2026-12-04T11:00:00.500+01:00"), field("after-id", "a1"), field("before-id", "b9"), field("with", `${ROOM}/Bob`), field("ids", "c1", "c2"))));
    assert.deepEqual(read.query, { start: Date.parse("2026-12-04T10:00:00Z"), end: Date.parse("2026-12-04T10:00:00.500Z"), afterId: "a1", beforeId: "b9", senders: [{ name: "Bob" }], ids: ["c1", "c2"] });
    assert.deepEqual(read.namedIds, ["a1", "b9", "c1", "c2"]);
  });

  it("matches nothing for a `with` that is not an occupant JID of the room (real JIDs are not given out)", () => {
    assert.equal(request(query(form(field("with", "bob@example.org")))).matchesNothing, true);
    assert.equal(request(query(form(field("with", "#other@gw.example.org/Bob")))).matchesNothing, true);
    assert.deepEqual(request(query(form(field("with", "#LOBBY@gw.example.org/Bob")))).query.senders, [{ name: "Bob" }]);
  });

  it("takes the room's own JID as `with` for everyone's messages", () => {
    const read = request(query(form(field("with", ROOM))));
    assert.deepEqual([read.matchesNothing, read.query], [false, {}]);
  });

  it("reads a `with` of nick%network as that nick's messages from that network, and as logged under it whole", () => {
    assert.deepEqual(request(query(form(field("with", `${ROOM}/bob%oftc`)))).query.senders, [{ name: "bob%oftc" }, { name: "bob", network: "oftc" }]);
    assert.deepEqual(request(query(form(field("with", `${ROOM}/%bob%`)))).query.senders, [{ name: "%bob%" }]);
  });

  it("reads ids without the white space around them, and an ids field without values as none", () => {
    const read = request(query(form(field("ids"), field("after-id", " a1\n")), set(xml("after", {}, " k5 "), xml("before", {}, "\tk9 "))));
    assert.deepEqual([read.query.ids, read.query.afterId, read.query.beforeId, read.namedIds], [undefined, "k5", "k9", ["a1", "k5", "k9"]]);
  });

  it("pages by the result set: max (capped), after, an empty <before/> for the last page, <before>id</before> backwards", () => {
    assert.deepEqual(request(query(set(xml("max", {}, "10"), xml("after", {}, "k5")))), { queryId: "q1", query: { afterId: "k5" }, limit: 10, from: "oldest", flip: false, matchesNothing: false, namedIds: ["k5"] });
    const last = request(query(set(xml("max", {}, "3"), xml("before"))));
    assert.deepEqual([last.from, last.limit, last.query], ["newest", 3, {}]);
    const back = request(query(set(xml("before", {}, "k5")), xml("flip-page")));
    assert.deepEqual([back.from, back.query.beforeId, back.flip], ["newest", "k5", true]);
    assert.equal(request(query(set(xml("max", {}, "100000")))).limit, MAX_PAGE_SIZE);
    assert.equal(request(query(set(xml("max", {}, "0")))).limit, 0, "0 asks for the count only");
  });

  it("keeps the narrower of the form's and the result set's bounds", () => {
    const read = request(query(form(field("after-id", "k3"), field("before-id", "k9")), set(xml("after", {}, "k5"), xml("before", {}, "k7"))));
    assert.deepEqual([read.query.afterId, read.query.beforeId], ["k5", "k7"]);
    const wider = request(query(form(field("after-id", "k5"), field("before-id", "k7")), set(xml("after", {}, "k3"), xml("before", {}, "k9"))));
    assert.deepEqual([wider.query.afterId, wider.query.beforeId], ["k5", "k7"]);
  });

  it("refuses what XEP-0313 says to refuse: unknown fields, bad times and numbers, another form type, paging by index", () => {
    assert.equal(refusal(query(form(field("{urn:example}full-text", "hello")))), "feature-not-implemented");
    assert.equal(refusal(query(form(field("start", "yesterday")))), "bad-request");
    assert.equal(refusal(query(form(field("end", "2026-12-04")))), "bad-request", "a date without a time");
    assert.equal(refusal(query(xml("x", { xmlns: "jabber:x:data", type: "submit" }, field("FORM_TYPE", "urn:xmpp:mam:1")))), "bad-request");
    assert.equal(refusal(query(set(xml("max", {}, "-1")))), "bad-request");
    assert.equal(refusal(query(set(xml("index", {}, "10")))), "feature-not-implemented");
    const ids = Array.from({ length: MAX_PAGE_SIZE + 1 }, (_, n) => `id${n}`);
    assert.equal(refusal(query(form(field("ids", ...ids)))), "bad-request", "more ids than a page holds");
    assert.equal(request(query(form(field("ids", ...ids.slice(1))))).query.ids?.length, MAX_PAGE_SIZE);
  });
});
