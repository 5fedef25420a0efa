import assert from "node:assert/strict";
import { ERROR_CODES, GatewayError } from "../../../src/core/errors.js";
import { FAILURE_NUMERICS, describeNumeric, failureFromNumeric } from "../../../src/adapters/irc/numerics.js";

describe("IRC failure numerics (RFC 1459 section 6.1, RFC 2812 section 5.2)", () => {
  describe("the table", () => {
    it("holds the numerics of failed messages, joins and nick changes, by number and name", () => {
      const expected: [number, string][] = [
        [401, "ERR_NOSUCHNICK"],
        [402, "ERR_NOSUCHSERVER"],
        [403, "ERR_NOSUCHCHANNEL"],
        [404, "ERR_CANNOTSENDTOCHAN"],
        [405, "ERR_TOOMANYCHANNELS"],
        [407, "ERR_TOOMANYTARGETS"],
        [411, "ERR_NORECIPIENT"],
        [412, "ERR_NOTEXTTOSEND"],
        [431, "ERR_NONICKNAMEGIVEN"],
        [432, "ERR_ERRONEUSNICKNAME"],
        [433, "ERR_NICKNAMEINUSE"],
        [435, "ERR_BANNICKCHANGE"],
        [436, "ERR_NICKCOLLISION"],
        [437, "ERR_UNAVAILRESOURCE"],
        [438, "ERR_NICKTOOFAST"],
        [439, "ERR_TARGETTOOFAST"],
        [442, "ERR_NOTONCHANNEL"],
        [443, "ERR_USERONCHANNEL"],
        [447, "ERR_NONICKCHANGE"],
        [470, "ERR_LINKCHANNEL"],
        [471, "ERR_CHANNELISFULL"],
        [473, "ERR_INVITEONLYCHAN"],
        [474, "ERR_BANNEDFROMCHAN"],
        [475, "ERR_BADCHANNELKEY"],
        [476, "ERR_BADCHANMASK"],
        [477, "ERR_NEEDREGGEDNICK"],
        [482, "ERR_CHANOPRIVSNEEDED"],
        [484, "ERR_RESTRICTED"],
        [486, "ERR_NONONREG"],
        [489, "ERR_SECUREONLYCHAN"],
        [492, "ERR_NOCTCP"],
        [531, "ERR_CANNOTSENDTOUSER"],
        [707, "ERR_TARGCHANGE"],
        [716, "ERR_TARGUMODEG"],
      ];
      assert.deepEqual(
        FAILURE_NUMERICS.map((info) => [info.numeric, info.name]),
        expected,
      );
    });

    it("maps every numeric to a code of the catalogue, with a text and the operations it concerns", () => {
      for (const info of FAILURE_NUMERICS) {
        assert.ok(info.code in ERROR_CODES, `${info.name}: ${info.code}`);
        assert.ok(info.text.length > 0, info.name);
        assert.ok(info.operations.length > 0, info.name);
        assert.ok(Object.isFrozen(info), info.name);
      }
    });

    it("gives the intended outcome for the common failures", () => {
      const outcome = (numeric: number): [string, boolean] | undefined => {
        const info = describeNumeric(numeric);
        return info === undefined ? undefined : [info.code, info.retryable];
      };
      assert.deepEqual(outcome(401), ["GW_ERR_UNAVAILABLE", true]);
      assert.deepEqual(outcome(403), ["GW_ERR_NOT_FOUND", false]);
      assert.deepEqual(outcome(404), ["GW_ERR_FORBIDDEN", false]);
      assert.deepEqual(outcome(412), ["GW_ERR_DELIVERY_FAILED", false]);
      assert.deepEqual(outcome(432), ["GW_ERR_BAD_ADDRESS", false]);
      assert.deepEqual(outcome(433), ["GW_ERR_NICK_IN_USE", true]);
      assert.deepEqual(outcome(437), ["GW_ERR_UNAVAILABLE", true]);
      assert.deepEqual(outcome(442), ["GW_ERR_NOT_MEMBER", false]);
      assert.deepEqual(outcome(471), ["GW_ERR_UNAVAILABLE", true]);
      assert.deepEqual(outcome(474), ["GW_ERR_FORBIDDEN", false]);
      assert.deepEqual(outcome(475), ["GW_ERR_KEY_NEEDED", false]);
      assert.deepEqual(outcome(707), ["GW_ERR_RATE_LIMITED", true]);
    });

    it("names the target parameter where the reply has one, and none for 411, 412, 431 and the nick refusals 435, 447 and 484", () => {
      for (const info of FAILURE_NUMERICS) {
        if ([411, 412, 431, 435, 447, 484].includes(info.numeric)) assert.equal(info.targetParam, undefined, info.name);
        else assert.equal(info.targetParam, 1, info.name);
      }
    });
  });

  describe("describeNumeric", () => {
    it("finds a numeric by number, three-digit string, name or alias", () => {
      assert.equal(describeNumeric(404)?.name, "ERR_CANNOTSENDTOCHAN");
      assert.equal(describeNumeric("404")?.name, "ERR_CANNOTSENDTOCHAN");
      assert.equal(describeNumeric("ERR_CANNOTSENDTOCHAN")?.numeric, 404);
      assert.equal(describeNumeric("err_nicknameinuse")?.numeric, 433);
      assert.equal(describeNumeric("ERR_ERRONEOUSNICKNAME")?.numeric, 432);
      assert.equal(describeNumeric("ERR_NOCTCPALLOWED")?.numeric, 492);
      assert.equal(describeNumeric("ERR_CANTSENDTOUSER")?.numeric, 531);
    });

    it("knows nothing of replies that are not failures", () => {
      for (const numeric of [1, 332, 353, 366, 421, 999, "RPL_WELCOME", "PRIVMSG", "4O4", "0401"]) assert.equal(describeNumeric(numeric), undefined, String(numeric));
    });
  });

  describe("failureFromNumeric", () => {
    it("ties ERR_CANNOTSENDTOCHAN to its channel, keeping the server's text and the numeric name", () => {
      const failure = failureFromNumeric("404", ["alice[sb]", "#quiet", "Cannot send to channel (+m)"]);
      assert.ok(failure !== undefined);
      assert.equal(failure.target, "#quiet");
      assert.equal(failure.serverText, "Cannot send to channel (+m)");
      assert.equal(failure.info.numeric, 404);
      assert.ok(failure.error instanceof GatewayError);
      assert.equal(failure.error.code, "GW_ERR_FORBIDDEN");
      assert.equal(failure.error.condition, "ERR_CANNOTSENDTOCHAN");
      assert.equal(failure.error.retryable, false);
      assert.equal(failure.error.message, "ERR_CANNOTSENDTOCHAN 404 (#quiet): Cannot send to channel (+m)");
    });

    it("ties ERR_NOSUCHNICK to the nick, as a retryable failure", () => {
      const failure = failureFromNumeric(401, ["alice[sb]", "Bob", "No such nick/channel"]);
      assert.equal(failure?.target, "Bob");
      assert.equal(failure?.error.code, "GW_ERR_UNAVAILABLE");
      assert.equal(failure?.error.retryable, true);
    });

    it("reads ERR_NICKNAMEINUSE before registration, when our nick is '*'", () => {
      const failure = failureFromNumeric(433, ["*", "alice[sb]", "Nickname is already in use"]);
      assert.equal(failure?.target, "alice[sb]");
      assert.equal(failure?.error.code, "GW_ERR_NICK_IN_USE");
    });

    it("has no target for ERR_NOTEXTTOSEND, but keeps its text", () => {
      const failure = failureFromNumeric(412, ["alice[sb]", "No text to send"]);
      assert.ok(failure !== undefined);
      assert.equal("target" in failure, false);
      assert.equal(failure.serverText, "No text to send");
      assert.equal(failure.error.message, "ERR_NOTEXTTOSEND 412: No text to send");
    });

    it("uses the table's text when the server gives none, and never takes the target for a text", () => {
      const failure = failureFromNumeric(474, ["alice[sb]", "#banned"]);
      assert.ok(failure !== undefined);
      assert.equal(failure.target, "#banned");
      assert.equal("serverText" in failure, false);
      assert.equal(failure.error.message, "ERR_BANNEDFROMCHAN 474 (#banned): Banned from the channel");
    });

    it("removes formatting from the server's text", () => {
      assert.equal(failureFromNumeric(477, ["me", "#reg", "\x02You need to be identified\x02 \x0304to join"])?.serverText, "You need to be identified to join");
      assert.equal(failureFromNumeric(477, ["me", "#reg", "\x02\x02"])?.serverText, undefined);
    });

    it("copes with missing parameters", () => {
      const failure = failureFromNumeric(404, []);
      assert.ok(failure !== undefined);
      assert.equal(failure.target, undefined);
      assert.equal(failure.serverText, undefined);
      assert.equal(failure.error.message, "ERR_CANNOTSENDTOCHAN 404: Cannot send to channel (moderated, banned, or outside messages refused)");
    });

    it("gives undefined for numerics outside the table", () => {
      assert.equal(failureFromNumeric(353, ["me", "=", "#c", "alice bob"]), undefined);
    });
  });
});
