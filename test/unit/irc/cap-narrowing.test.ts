import assert from "node:assert/strict";
import { narrowOfferedCaps } from "../../../src/adapters/irc/irc-connection-options.js";
import { parseIrcLine } from "../../../src/adapters/irc/irc-line.js";

describe("the CAP offers irc-framework is shown", () => {
  const wanted = new Set(["echo-message", "sasl", "account-notify"]);

  function narrowed(raw: string): { passed: boolean; params: string[] } {
    const line = parseIrcLine(raw);
    assert.ok(line, raw);
    const params = [...line.params];
    return { passed: narrowOfferedCaps(wanted, line, params), params };
  }

  it("keeps only the wanted caps of a CAP LS, values included", () => {
    assert.deepEqual(narrowed(":irc.example CAP * LS :multi-prefix sasl=PLAIN,EXTERNAL echo-message away-notify"), {
      passed: true,
      params: ["*", "LS", "sasl=PLAIN,EXTERNAL echo-message"],
    });
  });

  it("passes a CAP LS with nothing wanted, empty, so that registration goes on", () => {
    assert.deepEqual(narrowed(":irc.example CAP * LS :multi-prefix"), { passed: true, params: ["*", "LS", ""] });
  });

  it("drops a CAP NEW with nothing wanted, which would be answered with an empty CAP REQ", () => {
    assert.equal(narrowed(":irc.example CAP me NEW :chghost").passed, false);
    assert.deepEqual(narrowed(":irc.example CAP me NEW :chghost account-notify"), { passed: true, params: ["me", "NEW", "account-notify"] });
  });

  it("leaves other CAP lines alone", () => {
    assert.deepEqual(narrowed(":irc.example CAP me ACK :multi-prefix"), { passed: true, params: ["me", "ACK", "multi-prefix"] });
  });
});
