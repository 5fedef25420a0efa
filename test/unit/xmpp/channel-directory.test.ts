import assert from "node:assert/strict";
import xml from "@xmpp/xml";
import { MAX_PAGE_SIZE } from "../../../src/core/model/room-directory.js";
import { NS_RSM, rsmRequest } from "../../../src/adapters/xmpp/channel-directory.js";

const DOMAIN = "gw.example.org";

function query(...set: ReturnType<typeof xml>[]): ReturnType<typeof xml> {
  return xml("query", { xmlns: "http://jabber.org/protocol/disco#items" }, ...set);
}

describe("XEP-0059 requests of a network's channel directory", () => {
  it("asks the first page of the most channels an answer carries without <set/>", () => {
    assert.deepEqual(rsmRequest(query(), DOMAIN), { kind: "page", query: { max: MAX_PAGE_SIZE }, countOnly: false });
  });

  it("reads <max/> and an <after/> that is a channel's JID or a bare name", () => {
    const set = xml("set", { xmlns: NS_RSM }, xml("max", {}, "10"), xml("after", {}, `#dev%libera@${DOMAIN}`));
    assert.deepEqual(rsmRequest(query(set), DOMAIN), { kind: "page", query: { max: 10, after: "#dev" }, countOnly: false });
    const bare = xml("set", { xmlns: NS_RSM }, xml("after", {}, "#dev"));
    assert.deepEqual(rsmRequest(query(bare), DOMAIN), { kind: "page", query: { max: MAX_PAGE_SIZE, after: "#dev" }, countOnly: false });
  });

  it("asks for the count alone with <max>0</max>, and refuses backward paging", () => {
    assert.equal((rsmRequest(query(xml("set", { xmlns: NS_RSM }, xml("max", {}, "0"))), DOMAIN) as { countOnly: boolean }).countOnly, true);
    assert.deepEqual(rsmRequest(query(xml("set", { xmlns: NS_RSM }, xml("max", {}, "5"), xml("before"))), DOMAIN), { kind: "backward" });
  });

  it("reads a <max/> that is no whole number as a malformed request (bad-request), not as a page of one", () => {
    for (const max of ["ten", "-3", "1.5", "", "99999999999"]) {
      assert.deepEqual(rsmRequest(query(xml("set", { xmlns: NS_RSM }, xml("max", {}, max))), DOMAIN), { kind: "malformed" }, JSON.stringify(max));
    }
  });
});
