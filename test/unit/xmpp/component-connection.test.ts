import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { openComponentConnection } from "../../../src/adapters/xmpp/component-connection.js";

describe("the component connection", () => {
  const options = { host: "127.0.0.1", port: 1, domain: "switchboard.localhost", secret: "s" };

  it("passes iq stanzas to the middleware (disco, version, ping) and nothing else", async () => {
    const connection = openComponentConnection(options);
    const seen: string[] = [];
    connection.middleware.use(async (context, next) => {
      seen.push(context.stanza.name);
      return next();
    });
    connection.emit("element", xml("message", { from: "a@localhost", to: "b@switchboard.localhost" }, xml("body", {}, "hi")));
    connection.emit("element", xml("presence", { from: "a@localhost", to: "b@switchboard.localhost" }));
    connection.emit("element", xml("iq", { type: "get", id: "1", from: "a@localhost", to: "switchboard.localhost" }, xml("ping", { xmlns: "urn:xmpp:ping" })));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, ["iq"]);
  });

  it("wraps the one element listener @xmpp/component registers, the middleware's", () => {
    const connection = openComponentConnection(options);
    assert.equal(connection.listeners("element").length, 1);
  });
});
