import assert from "node:assert/strict";
import { parseConfig } from "../../../src/config/load-config.js";
import type { IrcNetworkConfig } from "../../../src/config/config-types.js";
import { GatewayError } from "../../../src/core/errors.js";
import { checkPuppetAccountsAllowed, puppetSasl, refusedAccount } from "../../../src/adapters/irc/puppet-logins.js";

/** One network of a configuration file, with everything it does not say at its default. */
function network(lines: readonly string[]): IrcNetworkConfig {
  const yaml = ["irc:", "  networks:", "    - name: net", "      nick: gate", ...lines.map((line) => `      ${line}`)].join("\n");
  return parseConfig(yaml, "test.yaml", {}).irc.networks[0] ?? assert.fail("no network");
}

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error: unknown) {
    return error instanceof GatewayError ? error.code : String(error);
  }
}

describe("puppets' own services accounts (puppet-logins)", () => {
  it("lets puppets log in over TLS, or in clear to a loopback host only", () => {
    assert.equal(codeOf(() => checkPuppetAccountsAllowed(network(["host: irc.example.org", "tls: { enabled: true }"]))), undefined);
    assert.equal(codeOf(() => checkPuppetAccountsAllowed(network(["host: 127.0.0.1", "port: 6667", "tls: { enabled: false }"]))), undefined);
    assert.equal(codeOf(() => checkPuppetAccountsAllowed(network(["host: irc.example.org", "port: 6667", "tls: { enabled: false }"]))), "GW_ERR_FORBIDDEN");
  });

  it("refuses a network in relay mode: it has no puppets", () => {
    const relay: IrcNetworkConfig = { ...network(["host: irc.example.org", "tls: { enabled: true }"]), mode: "relay" };
    assert.equal(codeOf(() => checkPuppetAccountsAllowed(relay)), "GW_ERR_UNSUPPORTED");
  });

  it("logs in with SASL PLAIN as the account, and without SASL when none is kept", () => {
    assert.deepEqual(puppetSasl({ account: "alice", password: "pw" }), { sasl: { mechanism: "PLAIN", username: "alice", password: "pw" } });
    assert.deepEqual(puppetSasl(undefined), {});
  });

  it("words a refusal so the person knows what to do, and leaves other errors as they are", () => {
    const refused = refusedAccount(new GatewayError("GW_ERR_AUTH_FAILED", "ERR_SASLFAIL"), "libera", "alice");
    assert.ok(refused instanceof GatewayError);
    assert.equal(refused.code, "GW_ERR_AUTH_FAILED");
    assert.match(refused.message, /libera refused your account alice: set it again with irc\.account\.set/);
    const down = new GatewayError("GW_ERR_UNAVAILABLE", "down", { retryable: true });
    assert.equal(refusedAccount(down, "libera", "alice"), down);
  });
});
