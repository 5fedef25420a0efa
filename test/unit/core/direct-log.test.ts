import assert from "node:assert/strict";
import { directLogOf } from "../../../src/core/direct-log.js";
import { parseAddress } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";
import type { MessageLogStore } from "../../../src/store/store.js";
import { message } from "../store/store-fixtures.js";

const juliet = parseAddress("xmpp://default/juliet@example.org");
const romeo = parseAddress("native:romeo");
const lobby = parseAddress("native:%23lobby");

/** A log that answers every lookup with `found`, whatever is asked. */
function logWith(found: Message): Pick<MessageLogStore, "sentWithOriginId" | "get"> {
  return { sentWithOriginId: () => Promise.resolve(found), get: () => Promise.resolve(found) };
}

describe("directLogOf", function () {
  const component = { protocol: "xmpp" as const, account: "default" };
  const viaComponent: Message = { ...message(1, juliet, romeo), origin: { protocol: "xmpp", account: "default", id: "j1" } };

  it("finds a direct message that came in through the adapter, by origin id and by gateway id", async function () {
    const log = directLogOf(logWith(viaComponent), component);
    assert.equal(await log.sentWithOriginId(juliet, romeo, "j1", 10), viaComponent);
    assert.equal(await log.message(viaComponent.id), viaComponent);
  });

  it("finds nothing that came in through another adapter or network, nor a room's message", async function () {
    const viaLinked: Message = { ...viaComponent, origin: { protocol: "xmpp", account: "u.romeo", id: "j1" } };
    const native: Message = { ...message(2, romeo, juliet), origin: { protocol: "native", account: "default", id: "j1" } };
    const inRoom: Message = { ...message(3, juliet, lobby, "room"), origin: { protocol: "xmpp", account: "default", id: "j1" } };
    for (const found of [viaLinked, native, inRoom]) {
      const log = directLogOf(logWith(found), component);
      assert.equal(await log.sentWithOriginId(juliet, romeo, "j1", 10), undefined, found.id);
      assert.equal(await log.message(found.id), undefined, found.id);
    }
  });
});
