/** whois-lookup.ts: WHOIS replies read into contact information (pure). */
import assert from "node:assert/strict";
import { GatewayError } from "../../../src/core/errors.js";
import { readWhoisReply, whoisInfo, WhoisLookups, type WhoisAnswer } from "../../../src/adapters/irc/whois-lookup.js";
import { FakeIrcConnection } from "./fake-irc-connection.js";

const NO_SUCH_NICK = new GatewayError("GW_ERR_UNAVAILABLE", "No such nick", { condition: "ERR_NOSUCHNICK" });

function reply(connection: FakeIrcConnection, nick: string, realname: string): void {
  connection.emit("whois", { nick, numeric: "311", params: ["sbgate", nick, "u", "h", "*", realname] });
  connection.emit("whois-end", { nick });
}

function answerOf(lines: readonly (readonly string[])[]): WhoisAnswer {
  const answer: WhoisAnswer = { user: false, channels: [] };
  for (const [numeric, ...params] of lines) readWhoisReply(answer, numeric ?? "", params);
  return answer;
}

describe("WHOIS replies", () => {
  it("reads realname, server, operator, idle and signon, channels over several replies, TLS, account and away, and keeps no user or host", () => {
    const answer = answerOf([
      ["311", "me", "bob", "~bob", "203.0.113.7", "*", "Bob \x02the\x02 \x0304,01Builder\x03"],
      ["312", "me", "bob", "irc.example.org", "Example server"],
      ["313", "me", "bob", "is an IRC operator"],
      ["317", "me", "bob", "42", "1700000000", "seconds idle, signon time"],
      ["319", "me", "bob", "@#dev +#ops "],
      ["319", "me", "bob", "#more"],
      ["671", "me", "bob", "is using a secure connection"],
    ]);
    answer.account = "bobby";
    answer.away = "gone \x1dfishing\x1d";
    const info = whoisInfo("bob", answer);
    assert.deepEqual(info, {
      nick: "bob",
      fullName: "Bob the Builder",
      server: "irc.example.org",
      account: "bobby",
      away: "gone fishing",
      idleSeconds: 42,
      signonAt: 1_700_000_000_000,
      channels: ["@#dev", "+#ops", "#more"],
      secure: true,
      operator: true,
    });
    assert.ok(!JSON.stringify(info).includes("203.0.113.7") && !JSON.stringify(info).includes("~bob"));
    assert.equal(answer.user, true);
  });

  it("takes an RFC 2812 idle reply without a signon time, and ignores replies too short to read", () => {
    const info = whoisInfo("bob", answerOf([["317", "me", "bob", "5", "seconds idle"], ["312", "me", "bob"], ["311", "me", "bob", "u"]]));
    assert.deepEqual(info, { nick: "bob", idleSeconds: 5 });
  });
});

describe("WHOIS lookups on the gateway's connection", () => {
  it("sends one WHOIS for lookups of one nick at once, and answers them all at its end", async () => {
    const connection = new FakeIrcConnection("sbgate");
    const lookups = new WhoisLookups(60_000);
    lookups.attach(connection.asConnection);
    const first = lookups.lookup("bob");
    const second = lookups.lookup("Bob");
    assert.deepEqual(connection.lines, ["WHOIS bob"]);
    connection.emit("away", { nick: "BOB", message: "lunch" });
    reply(connection, "Bob", "Bob Builder");
    assert.deepEqual(await first, { nick: "bob", fullName: "Bob Builder", away: "lunch" });
    assert.deepEqual(await second, await first);
  });

  it("does not take the end of another WHOIS begun before its own (no 311 since) for its answer", async () => {
    const connection = new FakeIrcConnection("sbgate");
    const lookups = new WhoisLookups(60_000);
    lookups.attach(connection.asConnection);
    let settled = false;
    const answer = lookups.lookup("bob").finally(() => (settled = true));
    connection.emit("whois-end", { nick: "bob" });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false);
    reply(connection, "bob", "Bob");
    assert.equal((await answer).fullName, "Bob");
  });

  it("answers GW_ERR_NOT_FOUND at ERR_NOSUCHNICK, GW_ERR_RATE_LIMITED past the bound, GW_ERR_UNAVAILABLE when the connection is lost", async () => {
    const connection = new FakeIrcConnection("sbgate");
    const lookups = new WhoisLookups(60_000, 2);
    lookups.attach(connection.asConnection);
    const nobody = lookups.lookup("nobody");
    const carol = lookups.lookup("carol");
    await assert.rejects(lookups.lookup("dave"), { code: "GW_ERR_RATE_LIMITED" });
    assert.deepEqual(connection.lines, ["WHOIS nobody", "WHOIS carol"]);
    connection.emit("failure", { numeric: 401, name: "ERR_NOSUCHNICK", target: "nobody", params: ["sbgate", "nobody", "No such nick"], text: "No such nick", error: NO_SUCH_NICK });
    await assert.rejects(nobody, { code: "GW_ERR_NOT_FOUND", condition: "ERR_NOSUCHNICK" });
    lookups.detach();
    await assert.rejects(carol, { code: "GW_ERR_UNAVAILABLE" });
    await assert.rejects(lookups.lookup("erin"), { code: "GW_ERR_UNAVAILABLE" });
  });

  it("sends no WHOIS for what is not one nick (a list, a mask, a space): GW_ERR_BAD_ADDRESS", async () => {
    const connection = new FakeIrcConnection("sbgate");
    const lookups = new WhoisLookups(60_000);
    lookups.attach(connection.asConnection);
    for (const target of ["bob,carol,dave", "b*", "bob carol", ""]) await assert.rejects(lookups.lookup(target), { code: "GW_ERR_BAD_ADDRESS" }, target);
    assert.deepEqual(connection.lines, []);
  });

  it("gives up after its timeout: GW_ERR_UNAVAILABLE, condition timeout", async () => {
    const connection = new FakeIrcConnection("sbgate");
    const lookups = new WhoisLookups(10);
    lookups.attach(connection.asConnection);
    await assert.rejects(lookups.lookup("bob"), { code: "GW_ERR_UNAVAILABLE", condition: "timeout" });
  });
});
