/** whois-lookup.ts: WHOIS replies read into contact information (pure). */
import assert from "node:assert/strict";
import { readWhoisReply, whoisInfo, type WhoisAnswer } from "../../../src/adapters/irc/whois-lookup.js";

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
