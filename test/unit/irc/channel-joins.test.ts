import assert from "node:assert/strict";
import { ChannelJoins } from "../../../src/adapters/irc/channel-joins.js";
import { GatewayError } from "../../../src/core/errors.js";

describe("ChannelJoins (a JOIN awaited until the server took or refused it)", () => {
  it("resolves when the channel's names came, whatever the case, one wait for two askers", async () => {
    const joins = new ChannelJoins(10_000);
    const first = joins.expect("#Dev");
    const second = joins.expect("#dev");
    joins.joined("#DEV");
    await Promise.all([first, second]);
  });

  it("rejects with the server's refusal of that channel only", async () => {
    const joins = new ChannelJoins(10_000);
    const dev = joins.expect("#dev");
    const ops = joins.expect("#ops");
    joins.refused("#dev", new GatewayError("GW_ERR_FORBIDDEN", "Banned from the channel"));
    await assert.rejects(dev, (error: GatewayError) => error.code === "GW_ERR_FORBIDDEN" && /Banned/.test(error.message));
    joins.joined("#ops");
    await ops;
  });

  it("rejects as retryable when the connection is lost or the server does not answer in time", async () => {
    const joins = new ChannelJoins(20);
    const lost = joins.expect("#dev");
    joins.lost();
    await assert.rejects(lost, (error: GatewayError) => error.code === "GW_ERR_UNAVAILABLE" && error.retryable);
    await assert.rejects(joins.expect("#slow"), (error: GatewayError) => error.code === "GW_ERR_UNAVAILABLE" && /did not answer/.test(error.message));
    joins.joined("#slow"); // too late: nothing waits any more
  });
});
