import assert from "node:assert/strict";
import { IrcEventTranslator, WHOX_TOKEN, whoxParams, type IrcLineEvent } from "../../../src/adapters/irc/irc-events.js";
import { parseIrcLine } from "../../../src/adapters/irc/irc-line.js";

const context = { caseMapping: "rfc1459" as const, prefixes: "~&@%+", prefixModes: "qaohv", paramModes: { always: "beIk", whenSet: "beIkl" } };

function translate(translator: IrcEventTranslator, ...lines: string[]): IrcLineEvent[] {
  return lines.flatMap((text) => {
    const line = parseIrcLine(text);
    assert.ok(line, text);
    return translator.translate(line, context);
  });
}

function one(text: string): IrcLineEvent | undefined {
  const events = translate(new IrcEventTranslator(), text);
  assert.ok(events.length <= 1, `at most one event for ${text}`);
  return events[0];
}

const ALICE = { nick: "alice", user: "a", host: "h", server: false };

describe("IRC events from received lines", () => {
  describe("LIST replies", () => {
    it("gives each RPL_LIST as a list-entry, RPL_LISTEND as list-end, and 263/416 about LIST as list-refused", () => {
      assert.deepEqual(one(":srv 322 gw #dev 12 :Talk \x02here\x02"), { name: "list-entry", payload: { channel: "#dev", members: 12, topic: "Talk \x02here\x02" } });
      assert.deepEqual(one(":srv 322 gw #bare 3"), { name: "list-entry", payload: { channel: "#bare", members: 3, topic: "" } });
      assert.deepEqual(one(":srv 322 gw #odd x :?"), { name: "list-entry", payload: { channel: "#odd", members: 0, topic: "?" } });
      assert.deepEqual(one(":srv 323 gw :End of LIST"), { name: "list-end", payload: {} });
      assert.deepEqual(one(":srv 263 gw LIST :Please wait a while and try again."), { name: "list-refused", payload: { numeric: 263, text: "Please wait a while and try again." } });
      assert.deepEqual(one(":srv 416 gw LIST :Too many matches"), { name: "list-refused", payload: { numeric: 416, text: "Too many matches" } });
      assert.equal(one(":srv 263 gw WHO :Please wait"), undefined, "a 263 of another command is none of LIST's");
    });
  });

  describe("messages and CTCP", () => {
    it("turns a PRIVMSG into a privmsg message with its tags and server-time", () => {
      assert.deepEqual(one("@time=2024-01-02T03:04:05.000Z;msgid=x :alice!a@h PRIVMSG #dev :\x02hi\x02 there"), {
        name: "message",
        payload: { kind: "privmsg", from: ALICE, target: "#dev", text: "\x02hi\x02 there", time: Date.UTC(2024, 0, 2, 3, 4, 5), tags: { time: "2024-01-02T03:04:05.000Z", msgid: "x" } },
      });
    });

    it("unwraps an ACTION, with or without the final \\x01", () => {
      for (const text of [":alice!a@h PRIVMSG gw :\x01ACTION waves\x01", ":alice!a@h PRIVMSG gw :\x01ACTION waves"]) {
        assert.deepEqual(one(text), { name: "message", payload: { kind: "action", from: ALICE, target: "gw", text: "waves", tags: {} } });
      }
    });

    it("gives other CTCP queries as ctcp events and drops CTCP replies in NOTICEs", () => {
      assert.deepEqual(one(":alice!a@h PRIVMSG gw :\x01PING 123\x01"), { name: "ctcp", payload: { from: ALICE, target: "gw", command: "PING", args: "123" } });
      assert.deepEqual(one(":alice!a@h PRIVMSG gw :\x01dcc SEND x\x01"), { name: "ctcp", payload: { from: ALICE, target: "gw", command: "DCC", args: "SEND x" } });
      assert.equal(one(":alice!a@h NOTICE gw :\x01VERSION other 1.0\x01"), undefined);
    });

    it("turns a NOTICE into a notice message, a server's too", () => {
      assert.deepEqual(one(":irc.test NOTICE * :*** Looking up your hostname"), {
        name: "message",
        payload: { kind: "notice", from: { nick: "irc.test", server: true }, target: "*", text: "*** Looking up your hostname", tags: {} },
      });
    });
  });

  describe("membership", () => {
    it("reads services accounts: ACCOUNT (account-notify) and WHOIS's RPL_WHOISACCOUNT and RPL_ENDOFWHOIS", () => {
      assert.deepEqual(one(":alice!a@h ACCOUNT AliceAcct"), { name: "account", payload: { nick: "alice", account: "AliceAcct" } });
      assert.deepEqual(one(":alice!a@h ACCOUNT *"), { name: "account", payload: { nick: "alice" } });
      assert.equal(one(":alice!a@h ACCOUNT"), undefined);
      assert.deepEqual(one(":irc.test 330 gw alice AliceAcct :is logged in as"), { name: "whois-account", payload: { nick: "alice", account: "AliceAcct" } });
      assert.equal(one(":irc.test 330 gw alice"), undefined);
      assert.deepEqual(one(":irc.test 318 gw alice :End of /WHOIS list."), { name: "whois-end", payload: { nick: "alice" } });
    });

    it("reads JOIN, with the account of extended-join", () => {
      assert.deepEqual(one(":alice!a@h JOIN #dev"), { name: "join", payload: { nick: "alice", user: "a", host: "h", channel: "#dev" } });
      assert.deepEqual(one(":alice!a@h JOIN #dev acct :Alice A"), { name: "join", payload: { nick: "alice", user: "a", host: "h", channel: "#dev", account: "acct" } });
      assert.deepEqual(one(":alice!a@h JOIN #dev * :Alice A"), { name: "join", payload: { nick: "alice", user: "a", host: "h", channel: "#dev" } });
    });

    it("reads PART, QUIT, KICK and NICK, with empty reasons when none is given", () => {
      assert.deepEqual(one(":alice!a@h PART #dev"), { name: "part", payload: { nick: "alice", channel: "#dev", reason: "" } });
      assert.deepEqual(one(":alice!a@h PART #dev :bye all"), { name: "part", payload: { nick: "alice", channel: "#dev", reason: "bye all" } });
      assert.deepEqual(one(":alice!a@h QUIT :Quit: bye"), { name: "quit", payload: { nick: "alice", reason: "Quit: bye" } });
      assert.deepEqual(one(":op!o@h KICK #dev alice :spam"), { name: "kick", payload: { channel: "#dev", nick: "alice", by: "op", reason: "spam" } });
      assert.deepEqual(one(":alice!a@h NICK :alicia"), { name: "nick", payload: { from: "alice", to: "alicia" } });
    });

    it("reads RPL_INVITING (341) in RFC 2812's order and RFC 1459's", () => {
      assert.deepEqual(one(":irc.example.org 341 me bob #dev"), { name: "inviting", payload: { nick: "bob", channel: "#dev" } });
      assert.deepEqual(one(":irc.example.org 341 me #dev bob"), { name: "inviting", payload: { nick: "bob", channel: "#dev" } });
      assert.equal(one(":irc.example.org 341 me bob"), undefined);
    });

    it("reads TOPIC, RPL_TOPIC (332) and RPL_NOTOPIC (331)", () => {
      assert.deepEqual(one(":alice!a@h TOPIC #dev :new topic"), { name: "topic", payload: { channel: "#dev", topic: "new topic", by: "alice" } });
      assert.deepEqual(one(":irc.test 332 gw #dev :the topic"), { name: "topic", payload: { channel: "#dev", topic: "the topic" } });
      assert.deepEqual(one(":irc.test 331 gw #dev :No topic is set"), { name: "topic", payload: { channel: "#dev", topic: "" } });
    });

    it("gathers NAMES until RPL_ENDOFNAMES, with multi-prefix apart and userhost-in-names stripped", () => {
      const translator = new IrcEventTranslator();
      const events = translate(translator, ":irc.test 353 gw = #Dev :@+alice!a@h bob", ":irc.test 353 gw = #dev :~carol %dave", ":irc.test 366 gw #DEV :End of /NAMES list.");
      assert.deepEqual(events, [{ name: "names", payload: { channel: "#Dev", nicks: ["alice", "bob", "carol", "dave"], prefixes: ["@+", "", "~", "%"] } }]);
      assert.deepEqual(translate(translator, ":irc.test 366 gw #empty :End"), [{ name: "names", payload: { channel: "#empty", nicks: [], prefixes: [] } }], "nothing is left over");
    });

    it("reads the membership prefixes a channel MODE gives and takes, skipping other modes' parameters", () => {
      assert.deepEqual(one(":op!o@h MODE #dev +o-v+k alice bob sekrit"), {
        name: "member-mode",
        payload: { channel: "#dev", changes: [{ nick: "alice", prefix: "@", adding: true }, { nick: "bob", prefix: "+", adding: false }] },
      });
      assert.deepEqual(one(":op!o@h MODE #dev +lb-k+h 10 *!*@spam * carol"), { name: "member-mode", payload: { channel: "#dev", changes: [{ nick: "carol", prefix: "%", adding: true }] } }, "a limit, a ban mask and a key taken off");
      assert.deepEqual(one(":op!o@h MODE #dev -l+q dave"), { name: "member-mode", payload: { channel: "#dev", changes: [{ nick: "dave", prefix: "~", adding: true }] } }, "no parameter to unset a limit");
      assert.equal(one(":op!o@h MODE #dev +mnt"), undefined, "no member's prefix");
      assert.equal(one(":gw MODE gw +i"), undefined, "a user's own modes");
    });

    it("reads an RFC 1459 NAMES reply without the channel symbol", () => {
      assert.deepEqual(translate(new IrcEventTranslator(), ":irc.test 353 gw #dev :alice", ":irc.test 366 gw #dev :End"), [{ name: "names", payload: { channel: "#dev", nicks: ["alice"], prefixes: [""] } }]);
    });
  });

  describe("presence", () => {
    it("reads away-notify AWAY with and without a text, and RPL_AWAY (301)", () => {
      assert.deepEqual(one(":alice!a@h AWAY :lunch"), { name: "away", payload: { nick: "alice", message: "lunch" } });
      assert.deepEqual(one(":alice!a@h AWAY"), { name: "back", payload: { nick: "alice" } });
      assert.deepEqual(one(":irc.test 301 gw alice :lunch"), { name: "away", payload: { nick: "alice", message: "lunch" } });
    });

    it("reads WHO replies (352) and WHOX replies (354) with our token only", () => {
      assert.deepEqual(one(":irc.test 352 gw #dev ~a host.example irc.test alice G@ :0 Alice"), { name: "who", payload: { nick: "alice", away: true, user: "~a", host: "host.example" } });
      assert.deepEqual(one(":irc.test 352 gw * ~a h irc.test alice H :0 Alice"), { name: "who", payload: { nick: "alice", away: false, user: "~a", host: "h" } });
      assert.deepEqual(whoxParams("alice"), ["alice", `%tuhnf,${WHOX_TOKEN}`]);
      assert.deepEqual(one(`:irc.test 354 gw ${WHOX_TOKEN} ~a h alice G`), { name: "who", payload: { nick: "alice", away: true, user: "~a", host: "h" } });
      assert.equal(one(":irc.test 354 gw 999 ~a h alice G"), undefined);
    });

    it("reads MONITOR replies with masks or bare nicks, and ISON", () => {
      assert.deepEqual(one(":irc.test 730 gw :alice!a@h,bob!b@h"), { name: "monitor", payload: { online: ["alice", "bob"], offline: [] } });
      assert.deepEqual(one(":irc.test 731 gw :alice,bob"), { name: "monitor", payload: { online: [], offline: ["alice", "bob"] } });
      assert.deepEqual(one(":irc.test 303 gw :alice bob "), { name: "ison", payload: { online: ["alice", "bob"] } });
      assert.deepEqual(one(":irc.test 303 gw :"), { name: "ison", payload: { online: [] } });
    });
  });

  describe("failures", () => {
    it("turns a known error numeric into a failure with target, text and error", () => {
      const event = one(":irc.test 404 gw #dev :Cannot send to channel (+m)");
      assert.ok(event?.name === "failure");
      assert.equal(event.payload.numeric, 404);
      assert.equal(event.payload.name, "ERR_CANNOTSENDTOCHAN");
      assert.equal(event.payload.target, "#dev");
      assert.equal(event.payload.text, "Cannot send to channel (+m)");
      assert.deepEqual(event.payload.params, ["gw", "#dev", "Cannot send to channel (+m)"]);
      assert.equal(event.payload.error.code, "GW_ERR_FORBIDDEN");
      assert.equal(event.payload.error.condition, "ERR_CANNOTSENDTOCHAN");
    });

    it("ignores numerics that are not failures, and unknown commands", () => {
      assert.equal(one(":irc.test 372 gw :- motd"), undefined);
      assert.equal(one(":alice!a@h CHGHOST u h"), undefined);
    });
  });
});
