import assert from "node:assert/strict";
import { createLogger } from "../../../src/core/logger.js";
import { OwnNickKeeper } from "../../../src/adapters/irc/own-nick.js";
import { FakeIrcConnection } from "./fake-irc-connection.js";

function nicksSent(connection: FakeIrcConnection): string[] {
  return connection.sent.filter((line) => line.command === "NICK").map((line) => line.params[0] ?? "");
}

describe("the gateway's configured IRC nick (own-nick.ts)", () => {
  let keeper: OwnNickKeeper;
  afterEach(() => keeper.detach());

  it("asks for it at once when its holder quits or changes nick, as the server compares nicks", () => {
    keeper = new OwnNickKeeper("sb[gw]", createLogger("silent"));
    const connection = new FakeIrcConnection("sb[gw]_");
    keeper.attach(connection.asConnection);
    connection.emit("quit", { nick: "SB{GW}", reason: "bye" }); // the same nick under rfc1459
    assert.deepEqual(nicksSent(connection), ["sb[gw]"]);
    connection.emit("nick", { from: "sb[gw]", to: "elsewhere" });
    assert.deepEqual(nicksSent(connection), ["sb[gw]", "sb[gw]"]);
    connection.emit("quit", { nick: "someone", reason: "bye" });
    assert.equal(nicksSent(connection).length, 2);
  });

  it("does not fight a rename of its own away from the nick (services, a collision): the next try is a minute away", () => {
    keeper = new OwnNickKeeper("sbgw", createLogger("silent"));
    const connection = new FakeIrcConnection("sbgw");
    keeper.attach(connection.asConnection);
    connection.nick = "Guest4711"; // the connection's own state follows the server's NICK before the event
    connection.emit("nick", { from: "sbgw", to: "Guest4711" });
    assert.deepEqual(nicksSent(connection), []);
  });

  it("takes the configured nick as the server cut it to its NICKLEN for its own", () => {
    keeper = new OwnNickKeeper("switchboard", createLogger("silent"));
    const connection = new FakeIrcConnection("switchboa");
    connection.server.nickLen = 9;
    keeper.attach(connection.asConnection);
    connection.emit("quit", { nick: "switchboard", reason: "bye" });
    assert.deepEqual(nicksSent(connection), []);
  });
});
