import assert from "node:assert/strict";
import { ChannelRejoins, REJOIN_AFTER_KICK_MS, RETRY_MS } from "../../../src/adapters/irc/channel-rejoins.js";
import { ManualTimers } from "../../helpers/manual-timers.js";

function setup(): { rejoins: ChannelRejoins; joins: string[]; timers: ManualTimers } {
  const joins: string[] = [];
  const timers = new ManualTimers();
  return { rejoins: new ChannelRejoins((channel) => joins.push(channel), timers), joins, timers };
}

describe("bridged channels the gateway's connection is out of (channel-rejoins.ts)", () => {
  it("joins again a while after a kick, then every RETRY_MS until the channel's names come", () => {
    const { rejoins, joins, timers } = setup();
    rejoins.left("#Dev", REJOIN_AFTER_KICK_MS);
    assert.deepEqual(rejoins.channels, ["#Dev"]);
    assert.deepEqual([...timers.pending.values()].map((timer) => timer.ms), [REJOIN_AFTER_KICK_MS]);
    timers.fireAll();
    assert.deepEqual(joins, ["#Dev"]);
    assert.deepEqual([...timers.pending.values()].map((timer) => timer.ms), [RETRY_MS], "no answer yet: tried again later");
    timers.fireAll();
    assert.deepEqual(joins, ["#Dev", "#Dev"]);
    rejoins.joined("#dev");
    assert.deepEqual(rejoins.channels, []);
    assert.equal(timers.pending.size, 0);
  });

  it("joins at once when invited to a channel it is out of, and ignores other invitations", () => {
    const { rejoins, joins } = setup();
    assert.equal(rejoins.invited("#elsewhere"), false);
    rejoins.left("#dev", RETRY_MS);
    assert.equal(rejoins.invited("#DEV"), true);
    assert.deepEqual(joins, ["#dev"]);
  });

  it("forgets one channel (no longer bridged) or all of them (the connection is gone)", () => {
    const { rejoins, joins, timers } = setup();
    rejoins.left("#a", RETRY_MS);
    rejoins.left("#b", RETRY_MS);
    rejoins.forget("#A");
    assert.deepEqual(rejoins.channels, ["#b"]);
    rejoins.forget();
    assert.deepEqual(rejoins.channels, []);
    timers.fireAll();
    assert.deepEqual(joins, []);
  });
});
