import assert from "node:assert/strict";
import { parseConfig } from "../../../src/config/load-config.js";
import type { IrcNetworkConfig } from "../../../src/config/config-types.js";
import { GatewayError } from "../../../src/core/errors.js";
import { ACCOUNT_CHECKS_PER_HOUR, checkPuppetAccountsAllowed, PuppetLogins, puppetSasl, refusedAccount } from "../../../src/adapters/irc/puppet-logins.js";
import { createLogger } from "../../../src/core/logger.js";
import { makeAddress } from "../../../src/core/model/address.js";

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
    assert.equal(codeOf(() => checkPuppetAccountsAllowed(network(["host: irc.example.org", "tls: { enabled: true, verify: false }"]))), "GW_ERR_FORBIDDEN", "not to a server whose certificate goes unchecked");
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

  describe("PuppetLogins", () => {
    const alice = makeAddress("native", "default", "alice");
    const bob = makeAddress("native", "default", "bob");
    const kept = { account: "alice", password: "old" };
    const logins = (): PuppetLogins => new PuppetLogins(network(["host: 127.0.0.1", "port: 6667", "tls: { enabled: false }"]), createLogger("silent"));

    it("does not try again credentials the services refused, until the person sets or removes theirs", () => {
      const pl = logins();
      pl.checkNotRefused(alice, kept);
      pl.markRefused(alice, kept);
      assert.equal(codeOf(() => pl.checkNotRefused(alice, kept)), "GW_ERR_AUTH_FAILED");
      pl.checkNotRefused(alice, { account: "alice", password: "new" });
      pl.checkNotRefused(bob, kept);
      pl.forget(alice);
      pl.checkNotRefused(alice, kept);
    });

    it(`checks at most ${ACCOUNT_CHECKS_PER_HOUR} accounts an hour on a network, whoever asks, each in the puppets' connect turn`, async () => {
      const pl = logins();
      let turns = 0;
      // The turn stands in for the connection: every check goes through it, and none is made past the limit.
      const inTurn = async (): Promise<void> => void (turns += 1);
      for (let check = 0; check < ACCOUNT_CHECKS_PER_HOUR; check++) await pl.verify("nick", kept, inTurn);
      await assert.rejects(pl.verify("nick", kept, inTurn), { code: "GW_ERR_RATE_LIMITED" });
      assert.equal(turns, ACCOUNT_CHECKS_PER_HOUR);
    });
  });
});
