/** XEP-0191 for a linked account (adapters/xmpp/account-blocking.ts): the feature read from disco#info, the iqs built. */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Client } from "@xmpp/client";
import type { Element } from "ltx";
import { AccountBlocking, blockingIq, offersBlocking } from "../../../src/adapters/xmpp/account-blocking.js";
import { createLogger } from "../../../src/core/logger.js";

const DISCO = "http://jabber.org/protocol/disco#info";

describe("account blocking (XEP-0191)", () => {
  it("finds urn:xmpp:blocking among a server's features, and only there", () => {
    const features = (...vars: string[]): ReturnType<typeof xml> => xml("iq", { type: "result" }, xml("query", { xmlns: DISCO }, ...vars.map((name) => xml("feature", { var: name }))));
    assert.equal(offersBlocking(features("urn:xmpp:carbons:2", "urn:xmpp:blocking")), true);
    assert.equal(offersBlocking(features("urn:xmpp:carbons:2")), false);
    assert.equal(offersBlocking(xml("iq", { type: "result" })), false);
  });

  it("blocks and unblocks one bare JID with an iq set (sections 3.3, 3.4)", () => {
    assert.equal(blockingIq("eve@example.org", true).toString(), '<iq type="set"><block xmlns="urn:xmpp:blocking"><item jid="eve@example.org"/></block></iq>');
    assert.equal(blockingIq("eve@example.org", false).toString(), '<iq type="set"><unblock xmlns="urn:xmpp:blocking"><item jid="eve@example.org"/></unblock></iq>');
  });

  it("gives her server at login the blocks it was not given in this run, takes off those she unblocked since, and nothing more at a reconnect", async () => {
    const sent: string[] = [];
    let offers = true;
    const connection = {
      iqCaller: {
        request: async (iq: Element) => {
          const child = iq.getChildElements()[0];
          if (child?.attrs["xmlns"] === DISCO) return xml("iq", { type: "result" }, xml("query", { xmlns: DISCO }, ...(offers ? [xml("feature", { var: "urn:xmpp:blocking" })] : [])));
          sent.push(`${child?.name ?? "?"} ${String(child?.getChild("item")?.attrs["jid"])}`);
          return xml("iq", { type: "result" });
        },
      },
    } as unknown as Client;
    const blocking = new AccountBlocking(createLogger("silent"));
    await blocking.discover(connection, "example.org");
    await blocking.sync(connection, ["eve@example.org", "mallory@example.org"]);
    assert.deepEqual(sent, ["block eve@example.org", "block mallory@example.org"], "the blocks from before the link");
    await blocking.discover(connection, "example.org");
    await blocking.sync(connection, ["eve@example.org", "mallory@example.org"]);
    assert.equal(sent.length, 2, "a reconnect with nothing changed sends nothing");
    await blocking.push(connection, "trudy@example.org", true); // while online
    await blocking.sync(connection, ["eve@example.org", "trudy@example.org", "oscar@example.org"]); // mallory unblocked, oscar blocked, while offline
    assert.deepEqual(sent.slice(2), ["block trudy@example.org", "block oscar@example.org", "unblock mallory@example.org"]);
    offers = false;
    await blocking.discover(connection, "example.org");
    await blocking.sync(connection, ["walter@example.org"]);
    assert.equal(sent.length, 5, "nothing to a server without the feature");
  });
});
