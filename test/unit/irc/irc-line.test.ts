import assert from "node:assert/strict";
import { lineSentAt, parseIrcLine, parseSource, serverTime, unescapeTagValue } from "../../../src/adapters/irc/irc-line.js";

describe("IRC line parsing (RFC 2812 section 2.3.1, IRCv3 message-tags)", () => {
  it("reads the source, the command and the parameters, the last one after ' :'", () => {
    assert.deepEqual(parseIrcLine(":alice!~a@host.example PRIVMSG #dev :hello there :)\r\n"), {
      tags: {},
      source: { nick: "alice", user: "~a", host: "host.example", server: false },
      command: "PRIVMSG",
      params: ["#dev", "hello there :)"],
    });
  });

  it("reads a server source, an upper-cased command, runs of spaces and an empty last parameter", () => {
    assert.deepEqual(parseIrcLine(":irc.example.org  001   gw  :"), { tags: {}, source: { nick: "irc.example.org", server: true }, command: "001", params: ["gw", ""] });
    assert.deepEqual(parseIrcLine("ping :token"), { tags: {}, command: "PING", params: ["token"] });
    assert.deepEqual(parseIrcLine("PING"), { tags: {}, command: "PING", params: [] });
  });

  it("keeps tag keys as sent and unescapes their values", () => {
    const line = parseIrcLine("@time=2024-01-02T03:04:05.678Z;+Draft/Reply=a\\sb\\:c\\\\d;flag :n!u@h TAGMSG #c");
    assert.deepEqual(line?.tags, { time: "2024-01-02T03:04:05.678Z", "+Draft/Reply": "a b;c\\d", flag: "" });
    assert.equal(serverTime(line?.tags ?? {}), Date.UTC(2024, 0, 2, 3, 4, 5, 678));
  });

  it("unescapes \\r, \\n, unknown escapes and drops a final lone backslash", () => {
    assert.equal(unescapeTagValue("a\\r\\nb\\xc\\"), "a\r\nbxc");
  });

  it("reads nick-only, nick@host and nick!user sources", () => {
    assert.deepEqual(parseSource("bob"), { nick: "bob", server: false });
    assert.deepEqual(parseSource("bob@h"), { nick: "bob", host: "h", server: false });
    assert.deepEqual(parseSource("bob!u"), { nick: "bob", user: "u", server: false });
  });

  it("gives undefined for a line without a command, and no time for a bad server-time", () => {
    assert.equal(parseIrcLine(""), undefined);
    assert.equal(parseIrcLine("@a=b :src"), undefined);
    assert.equal(serverTime({ time: "yesterday" }), undefined);
  });
});

describe("lineSentAt (an IRC line's server-time as when it was said)", () => {
  const NOW = Date.UTC(2026, 11, 7, 3, 0, 0);
  const said = (line: string): { readonly sentAt?: number } => lineSentAt(serverTime(parseIrcLine(line)?.tags ?? {}), NOW);

  it("takes the server-time of a line played back long after it was said (a bouncer's playback)", () => {
    assert.deepEqual(said("@time=2026-12-07T01:15:30.250Z :bob!b@h PRIVMSG #dev :said before you came"), { sentAt: Date.UTC(2026, 11, 7, 1, 15, 30, 250) });
  });

  it("leaves out a live line's server-time, a little early or late as the server's clock goes", () => {
    assert.deepEqual(said("@time=2026-12-07T02:59:59.100Z :bob!b@h PRIVMSG #dev :live"), {});
    assert.deepEqual(said("@time=2026-12-07T03:00:00.400Z :bob!b@h PRIVMSG #dev :live, the server's clock ahead"), {});
  });

  it("leaves out a time in the future, an absurd one, an unreadable one, and none", () => {
    assert.deepEqual(said("@time=2027-01-01T00:00:00.000Z :bob!b@h PRIVMSG #dev :from the future"), {});
    assert.deepEqual(said("@time=1970-01-01T00:00:00.000Z :bob!b@h PRIVMSG #dev :a zero clock"), {});
    assert.deepEqual(said("@time=yesterday :bob!b@h PRIVMSG #dev :unreadable"), {});
    assert.deepEqual(said(":bob!b@h PRIVMSG #dev :no tag"), {});
  });
});
