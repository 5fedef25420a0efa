import assert from "node:assert/strict";
import { chosenNick } from "../../../src/adapters/irc/puppet-nick-choice.js";

describe("chosenNick (the nick a person's chosen name makes)", () => {
  it("applies the template to the name, mapped as every name is", () => {
    assert.equal(chosenNick("{name}[sb]", "ali", "libera", 30), "ali[sb]");
    assert.equal(chosenNick("{name}[sb]", "Jürgen M", "libera", 30), "Jurgen_M[sb]");
    assert.equal(chosenNick("{name}|{network}", "7up", "oftc", 30), "_7up|oftc");
  });

  it("refuses a nick the server's NICKLEN would cut, saying how long a name may be", () => {
    assert.equal(chosenNick("{name}[sb]", "a".repeat(26), "libera", 30), `${"a".repeat(26)}[sb]`);
    assert.throws(() => chosenNick("{name}[sb]", "a".repeat(27), "libera", 30), { code: "GW_ERR_BAD_ADDRESS", message: /NICKLEN.*at most 26 characters/ });
    assert.throws(() => chosenNick("{name}[sb]", "alice1", "libera", 9), { code: "GW_ERR_BAD_ADDRESS", message: /at most 5 characters/ });
  });

  it("refuses a name with no letter or digit a nick can hold", () => {
    assert.throws(() => chosenNick("{name}[sb]", "!!! ???", "libera", 30), { code: "GW_ERR_BAD_ADDRESS" });
    assert.throws(() => chosenNick("{name}[sb]", "日本", "libera", 30), { code: "GW_ERR_BAD_ADDRESS" });
  });
});
