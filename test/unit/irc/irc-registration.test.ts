import assert from "node:assert/strict";
import { parseIrcLine } from "../../../src/adapters/irc/irc-line.js";
import { IrcRegistration, type RegistrationOptions, type RegistrationStep } from "../../../src/adapters/irc/irc-registration.js";

function steps(options: RegistrationOptions, ...lines: string[]): RegistrationStep[] {
  const registration = new IrcRegistration(options);
  return lines.map((text) => {
    const line = parseIrcLine(text);
    assert.ok(line, text);
    return registration.onLine(line);
  });
}

function lastFailure(list: readonly RegistrationStep[]): { code: string; condition: string | undefined; retryable: boolean; message: string } {
  const step = list[list.length - 1];
  assert.ok(step?.kind === "fail", `the last step fails: ${JSON.stringify(step)}`);
  return { code: step.error.code, condition: step.error.condition, retryable: step.error.retryable, message: step.error.message };
}

const WELCOME = ":irc.test 001 gw :Welcome gw!u@h";
const PLAIN: RegistrationOptions = { nick: "gw", sasl: "PLAIN", password: false };

describe("IRC registration verdicts", () => {
  it("is registered at 001 and ready at the end of the MOTD, or at ERR_NOMOTD", () => {
    assert.deepEqual(steps({ nick: "gw", password: false }, ":irc.test 376 gw :x", WELCOME, ":irc.test 005 gw A :x", ":irc.test 376 gw :End"), [
      { kind: "continue" },
      { kind: "registered", nick: "gw" },
      { kind: "continue" },
      { kind: "ready" },
    ]);
    assert.deepEqual(steps({ nick: "gw", password: false }, WELCOME, ":irc.test 422 gw :MOTD File is missing").at(-1), { kind: "ready" });
  });

  it("tries the deterministic nick candidates, then fails with GW_ERR_NICK_IN_USE", () => {
    const taken = (nick: string): string => `:irc.test 433 * ${nick} :Nickname is already in use`;
    const list = steps({ nick: "switchbot", maxNickAttempts: 3, password: false }, taken("switchbot"), taken("switchbo_"), taken("switchb_2"));
    assert.deepEqual(list.slice(0, 2), [
      { kind: "retry-nick", nick: "switchbo_", attempt: 1 },
      { kind: "retry-nick", nick: "switchb_2", attempt: 2 },
    ]);
    assert.deepEqual(lastFailure(list), { code: "GW_ERR_NICK_IN_USE", condition: "ERR_NICKNAMEINUSE", retryable: true, message: lastFailure(list).message });
  });

  it("keeps a long configured nick's length for its candidates, and ignores 433 once registered", () => {
    assert.deepEqual(steps({ nick: "averylongnickname", password: false }, ":irc.test 437 * averylongnickname :Nick is temporarily unavailable"), [{ kind: "retry-nick", nick: "averylongnicknam_", attempt: 1 }]);
    assert.deepEqual(steps({ nick: "gw", password: false }, WELCOME, ":irc.test 433 gw other :in use").at(-1), { kind: "continue" });
  });

  it("fails on a wrong server password: 464, or an ERROR after PASS", () => {
    assert.equal(lastFailure(steps({ nick: "gw", password: true }, ":irc.test 464 * :Password incorrect")).code, "GW_ERR_AUTH_FAILED");
    const error = lastFailure(steps({ nick: "gw", password: true }, "ERROR :Closing link: (gw@127.0.0.1) [Access denied by configuration]"));
    assert.equal(error.code, "GW_ERR_AUTH_FAILED");
    assert.equal(error.retryable, false);
  });

  it("treats a throttling ERROR, or any ERROR without a password, as retryable GW_ERR_UNAVAILABLE", () => {
    for (const [password, text] of [
      [true, "ERROR :Closing link: (gw@h) [Throttled: Reconnecting too fast]"],
      [false, "ERROR :Closing link: (gw@h) [Access denied by configuration]"],
    ] as const) {
      const error = lastFailure(steps({ nick: "gw", password }, text));
      assert.deepEqual([error.code, error.retryable], ["GW_ERR_UNAVAILABLE", true], text);
    }
  });

  it("fails on an erroneous nick and on a ban", () => {
    assert.equal(lastFailure(steps({ nick: "gw", password: false }, ":irc.test 432 * 9gw :Erroneous Nickname")).code, "GW_ERR_BAD_ADDRESS");
    assert.equal(lastFailure(steps({ nick: "gw", password: false }, ":irc.test 465 * :You are banned")).code, "GW_ERR_FORBIDDEN");
  });

  describe("with SASL configured", () => {
    it("goes on after 903 and registers", () => {
      const list = steps(PLAIN, ":irc.test CAP * LS :sasl=PLAIN,EXTERNAL multi-prefix", ":irc.test 900 gw gw!u@h acct :logged in", ":irc.test 903 gw :SASL successful", WELCOME);
      assert.deepEqual(list.at(-1), { kind: "registered", nick: "gw" });
    });

    it("refuses a server without the sasl cap, waiting for the last line of a multi-line CAP LS", () => {
      const list = steps(PLAIN, ":irc.test CAP * LS * :multi-prefix", ":irc.test CAP * LS :away-notify");
      assert.deepEqual(list[0], { kind: "continue" });
      assert.deepEqual(lastFailure(list), { code: "GW_ERR_UNAVAILABLE", condition: "SASL_UNAVAILABLE", retryable: true, message: lastFailure(list).message });
      assert.deepEqual(steps(PLAIN, ":irc.test CAP * LS * :sasl", ":irc.test CAP * LS :away-notify").at(-1), { kind: "continue" }, "sasl on an earlier line counts");
    });

    it("refuses a mechanism the server does not list, and accepts a plain 'sasl' (SASL 3.1)", () => {
      assert.equal(lastFailure(steps({ nick: "gw", sasl: "EXTERNAL", password: false }, ":irc.test CAP * LS :sasl=PLAIN")).condition, "SASL_MECHANISM");
      assert.deepEqual(steps({ nick: "gw", sasl: "EXTERNAL", password: false }, ":irc.test CAP * LS :sasl"), [{ kind: "continue" }]);
    });

    it("fails on 902, 904, 905, 906 and 908 with GW_ERR_AUTH_FAILED", () => {
      for (const [numeric, name] of [["902", "ERR_NICKLOCKED"], ["904", "ERR_SASLFAIL"], ["905", "ERR_SASLTOOLONG"], ["906", "ERR_SASLABORTED"], ["908", "RPL_SASLMECHS"]]) {
        const error = lastFailure(steps(PLAIN, `:irc.test ${numeric} gw :failed`));
        assert.deepEqual([error.code, error.condition, error.retryable], ["GW_ERR_AUTH_FAILED", name, false]);
      }
    });

    it("fails when the server registers without SASL (no CAP at all)", () => {
      assert.equal(lastFailure(steps(PLAIN, WELCOME)).condition, "SASL_INCOMPLETE");
    });

    it("ignores SASL numerics when SASL is not configured", () => {
      assert.deepEqual(steps({ nick: "gw", password: false }, ":irc.test 904 gw :failed"), [{ kind: "continue" }]);
    });
  });

  describe("with WEBIRC", () => {
    const WEBIRC: RegistrationOptions = { nick: "gw", password: false, webirc: { host: "alice-3f9a2c.users.example", ip: "fd00:5b::1" } };

    it("registers when the welcome shows the WEBIRC host, or its IP", () => {
      assert.deepEqual(steps(WEBIRC, ":irc.test 001 gw :Welcome to the Net gw!alice12345@ALICE-3f9a2c.users.example"), [{ kind: "registered", nick: "gw" }]);
      assert.deepEqual(steps(WEBIRC, ":irc.test 001 gw :Welcome to the Net gw!~alice12345@fd00:5b::1"), [{ kind: "registered", nick: "gw" }]);
      assert.deepEqual(steps(WEBIRC, ":irc.test 001 gw :Welcome to the Net"), [{ kind: "registered", nick: "gw" }]);
    });

    it("registers under another host in the welcome (a network's cloak), and fails as WEBIRC_REFUSED at 421 WEBIRC", () => {
      assert.deepEqual(steps(WEBIRC, ":irc.test 001 gw :Welcome to the Net gw!alice12345@users.cloak.example"), [{ kind: "registered", nick: "gw" }]);
      const failure = lastFailure(steps(WEBIRC, ":irc.test 421 * WEBIRC :Unknown command"));
      assert.deepEqual([failure.code, failure.condition, failure.retryable], ["GW_ERR_AUTH_FAILED", "WEBIRC_REFUSED", false]);
      assert.match(failure.message, /irc\.networks\[\]\.webirc/);
      assert.notEqual(steps({ nick: "gw", password: false }, ":irc.test 421 gw WEBIRC :Unknown command")[0]?.kind, "fail");
    });

    it("fails as WEBIRC_REFUSED at an ERROR about WEBIRC (InspIRCd 3.15)", () => {
      const failure = lastFailure(steps(WEBIRC, "ERROR :Closing link: (1AB@127.0.0.1) [WEBIRC: you don't match any configured WebIRC hosts.]"));
      assert.deepEqual([failure.code, failure.condition, failure.retryable], ["GW_ERR_AUTH_FAILED", "WEBIRC_REFUSED", false]);
    });

    it("fails as WEBIRC_REFUSED at 464 when no server password was sent (ngIRCd)", () => {
      const failure = lastFailure(steps(WEBIRC, ":irc.test 464 * :Password incorrect"));
      assert.deepEqual([failure.code, failure.condition], ["GW_ERR_AUTH_FAILED", "WEBIRC_REFUSED"]);
    });
  });
});
