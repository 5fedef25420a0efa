import assert from "node:assert/strict";
import { parseConfig } from "../../../src/config/load-config.js";
import type { IrcNetworkConfig } from "../../../src/config/config-types.js";
import type { AdapterContext } from "../../../src/core/adapter.js";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { makeAddress } from "../../../src/core/model/address.js";
import type { GatewayNicks } from "../../../src/adapters/irc/gateway-nicks.js";
import { connectPuppet } from "../../../src/adapters/irc/puppet-connect.js";
import { PuppetIdentities } from "../../../src/adapters/irc/puppet-identities.js";
import { PuppetLogins } from "../../../src/adapters/irc/puppet-logins.js";

/** A network reached in clear on a host that is no loopback one (`.invalid`: never resolved, never connected). */
function clearNetwork(): IrcNetworkConfig {
  const yaml = ["irc:", "  networks:", "    - name: net", "      nick: gate", "      host: irc.invalid", "      port: 6667", "      tls: { enabled: false }"].join("\n");
  return parseConfig(yaml, "test.yaml", {}).irc.networks[0] ?? assert.fail("no network");
}

const alice = makeAddress("native", "default", "alice");

/** A puppet's connect on that network for a person who keeps these secrets (set while its TLS was on, say). */
function connect(secrets: { account?: { account: string; password: string }; serverPassword?: string }): Promise<unknown> {
  const config = clearNetwork();
  const context = {
    account: "net",
    log: createLogger("silent"),
    names: { claim: async () => "alice[sb]" },
    puppetAccount: async () => secrets.account,
    puppetServerPassword: async () => secrets.serverPassword,
  } as unknown as AdapterContext;
  const nicks = { puppetNickCandidates: () => ["alice[sb]"] } as unknown as GatewayNicks;
  const identities = new PuppetIdentities(config.webirc, async () => Buffer.alloc(32), createLogger("silent"));
  return connectPuppet({ config, context, nicks, logins: new PuppetLogins(config, createLogger("silent")), identities }, alice);
}

const forbidden = (error: unknown): boolean => error instanceof GatewayError && error.code === "GW_ERR_FORBIDDEN" && /in clear/.test(error.message);

describe("a puppet's connect (puppet-connect)", () => {
  it("does not connect with a kept server password where it would cross the network in clear", async () => {
    await assert.rejects(connect({ serverPassword: "secret" }), forbidden);
  });

  it("does not connect with a kept services account where its password would cross the network in clear", async () => {
    await assert.rejects(connect({ account: { account: "alice", password: "secret" } }), forbidden);
  });
});
