import assert from "node:assert/strict";
import { ChannelRoster } from "../../../src/adapters/irc/channel-roster.js";

describe("ChannelRoster (who is in which bridged channel)", () => {
  it("sends a QUIT only to the channels the nick was in, whatever the case", () => {
    const roster = new ChannelRoster();
    roster.names("#Dev", ["Ann", "bob"]);
    roster.names("#ops", ["bob"]);
    roster.joined("#ops", "Carol");
    assert.deepEqual(roster.quit("ANN"), ["#dev"]);
    assert.deepEqual(roster.quit("BOB"), ["#dev", "#ops"]);
    assert.deepEqual(roster.quit("bob"), [], "gone already");
    assert.deepEqual(roster.quit("carol"), ["#ops"]);
  });

  it("renames a nick only where it is, and forgets a channel the gateway left", () => {
    const roster = new ChannelRoster();
    roster.names("#dev", ["ann"]);
    roster.names("#ops", ["zed"]);
    assert.deepEqual(roster.renamed("ann", "anna"), ["#dev"]);
    assert.deepEqual(roster.quit("anna"), ["#dev"]);
    roster.left("#ops", "sbgate", true);
    assert.deepEqual(roster.quit("zed"), []);
  });

  it("takes a PART or KICK out of that channel only, and starts empty after clear", () => {
    const roster = new ChannelRoster();
    roster.names("#dev", ["ann"]);
    roster.joined("#ops", "ann");
    roster.left("#dev", "ANN");
    assert.deepEqual(roster.quit("ann"), ["#ops"]);
    roster.names("#dev", ["bob"]);
    roster.clear();
    assert.deepEqual(roster.quit("bob"), []);
  });

  it("lists a channel's nicks as the server spells them, following joins, leaves and nick changes", () => {
    const roster = new ChannelRoster();
    roster.names("#Dev", ["Ann", "bob"]);
    roster.joined("#dev", "Carol");
    roster.left("#DEV", "BOB");
    roster.renamed("ann", "Anna");
    assert.deepEqual(roster.nicksIn("#dev").sort(), ["Anna", "Carol"]);
    assert.deepEqual(roster.nicksIn("#elsewhere"), []);
  });

  it("keeps each member's prefixes from NAMES and follows the MODEs that give and take them, through a nick change", () => {
    const roster = new ChannelRoster();
    roster.names("#dev", ["ann", "bob"], ["@+", ""]);
    roster.joined("#dev", "carol");
    assert.deepEqual(roster.prefixChanged("#dev", "BOB", "+", true, "~&@%+"), { before: { nick: "bob", prefixes: "" }, after: { nick: "bob", prefixes: "+" } });
    assert.deepEqual(roster.prefixChanged("#dev", "bob", "@", true, "~&@%+")?.after, { nick: "bob", prefixes: "@+" }, "highest first");
    assert.deepEqual(roster.prefixChanged("#dev", "ann", "@", false, "~&@%+")?.after, { nick: "ann", prefixes: "+" });
    assert.equal(roster.prefixChanged("#dev", "nobody", "@", true, "~&@%+"), undefined);
    roster.renamed("bob", "Bobby");
    assert.deepEqual(roster.membersIn("#DEV"), [
      { nick: "ann", prefixes: "+" },
      { nick: "carol", prefixes: "" },
      { nick: "Bobby", prefixes: "@+" },
    ]);
  });
});
