/** IrcServersOnDemand with adapters of the test's own: which addresses it serves, one start for concurrent first uses, ports in order. */
import assert from "node:assert/strict";
import type { Adapter } from "../../src/core/adapter.js";
import { AdapterRegistry } from "../../src/core/adapter-registry.js";
import { ContactInfoService } from "../../src/core/contact-info.js";
import { GatewayError } from "../../src/core/errors.js";
import { createLogger } from "../../src/core/logger.js";
import { parseAddress } from "../../src/core/model/address.js";
import { Supervisor } from "../../src/core/supervisor.js";
import type { IrcNetworkConfig, IrcServersOnDemandConfig } from "../../src/config/config-types.js";
import { IrcServersOnDemand } from "../../src/irc-servers-on-demand.js";

const BLOCK: IrcServersOnDemandConfig = {
  enabled: true,
  allow: ["*.example.org", "127.0.0.1"],
  deny: [],
  internal_hosts: ["127.0.0.1", "irc.example.org"], // listed: no DNS lookup in the test
  ports: [6697, 7000],
  tls: { enabled: true, verify: true, ca_file: "" },
  nick: "switchboard",
  puppets: { nick_template: "{name}[sb]", idle_timeout_seconds: 3600, max_connections: 50, connect_interval_ms: 200 },
  open_channels_for: ["*"],
  open_channels_max: 50,
  max_servers: 20,
  max_servers_per_person: 3,
  idle_seconds: 600,
  webirc: { password: "", gateway: "switchboard", ipv6_prefix: "", host_suffix: "" },
};

/** A network whose start ends as the test says: `connects(port)`. */
function harness(config: IrcServersOnDemandConfig = BLOCK, connects: (port: number) => Promise<void> = async () => undefined) {
  const registry = new AdapterRegistry();
  const built: { network: IrcNetworkConfig; stopped: boolean }[] = [];
  const servers = new IrcServersOnDemand({
    config,
    configured: ["Libera"],
    registry,
    supervisor: new Supervisor(createLogger("silent")),
    build: (network) => {
      const record = { network, stopped: false };
      built.push(record);
      const adapter = {
        protocol: "irc",
        account: network.name,
        capabilities: {},
        start: () => connects(network.port),
        stop: async () => void (record.stopped = true),
        stats: () => ({ puppets: 0, bridged_channels: 0 }),
      };
      return adapter as unknown as Adapter;
    },
    personOf: () => undefined,
    queuedFor: async () => false,
    log: createLogger("silent"),
  });
  return { registry, built, servers };
}

describe("IRC servers on demand (IrcServersOnDemand)", () => {
  it("serves only hosts that no configured network names, and nothing when off", async () => {
    const { servers } = harness();
    assert.equal(await servers.obtain(parseAddress("irc://libera/bob"), undefined), undefined, "a configured network's name, in another case");
    assert.equal(await servers.obtain(parseAddress("irc://irc_net/bob"), undefined), undefined, "no host name");
    assert.equal(await servers.obtain(parseAddress("xmpp://default/bob@example.org"), undefined), undefined);
    assert.equal(await harness({ ...BLOCK, enabled: false }).servers.obtain(parseAddress("irc://irc.example.org/bob"), undefined), undefined);
    assert.equal(servers.mayServe(parseAddress("irc://irc.example.org/%23chan")), true);
    assert.equal(servers.mayServe(parseAddress("irc://irc.example.org/bob")), false, "people only once connected");
    assert.equal(servers.mayServe(parseAddress("irc://irc.example.net/%23chan")), false);
  });

  it("refuses contact.info on a channel at once, by its prefix, without connecting the server", async () => {
    const { registry, built, servers } = harness();
    registry.serveOnDemand(servers);
    const lookups = new ContactInfoService({ registry, checkOwnership: () => undefined });
    for (const channel of ["%23chan", "&chan", "+chan", "!chan"]) {
      await assert.rejects(lookups.lookup(parseAddress("native:alice"), parseAddress(`irc://irc.example.org/${channel}`)), { code: "GW_ERR_BAD_ADDRESS" });
    }
    assert.equal(built.length, 0, "no server connected for a channel");
    await assert.rejects(lookups.lookup(parseAddress("native:alice"), parseAddress("irc://irc.example.org/bob")), { code: "GW_ERR_UNSUPPORTED" });
    assert.equal(built.length, 1, "a nick's lookup connects it");
    servers.close();
  });

  it("connects a host once for uses that come together, and registers it once connected", async () => {
    let connect: () => void = () => undefined;
    const { registry, built, servers } = harness(BLOCK, () => new Promise<void>((resolve) => (connect = resolve)));
    const first = servers.obtain(parseAddress("irc://irc.example.org/%23a"), parseAddress("native:alice"));
    const second = servers.obtain(parseAddress("irc://irc.example.org/bob"), parseAddress("native:bob"));
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(built.length, 1);
    assert.equal(registry.get("irc", "irc.example.org"), undefined, "not registered before it is connected");
    connect();
    const [a, b] = await Promise.all([first, second]);
    assert.equal(a, b);
    assert.equal(registry.get("irc", "irc.example.org"), a);
    assert.deepEqual([built[0]?.network.name, built[0]?.network.port, built[0]?.network.open_channels, built[0]?.network.tls.enabled], ["irc.example.org", 6697, true, true]);
    servers.close();
  });

  it("tries the ports in order, and refuses with GW_ERR_UNAVAILABLE, nothing registered, when none connects", async () => {
    const refused = async (port: number): Promise<void> => {
      throw new GatewayError("GW_ERR_UNAVAILABLE", `connection refused on ${port}`, { retryable: true });
    };
    const fallback = harness(BLOCK, (port) => (port === 6697 ? refused(port) : Promise.resolve()));
    const adapter = await fallback.servers.obtain(parseAddress("irc://irc.example.org/bob"), undefined);
    assert.deepEqual(fallback.built.map((record) => [record.network.port, record.stopped]), [[6697, true], [7000, false]]);
    assert.equal(fallback.registry.get("irc", "irc.example.org"), adapter);
    fallback.servers.close();

    const none = harness(BLOCK, refused);
    await assert.rejects(none.servers.obtain(parseAddress("irc://irc.example.org/bob"), undefined), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.deepEqual([error.code, error.retryable, /\(port 6697, 7000\): connection refused on 7000/.test(error.message)], ["GW_ERR_UNAVAILABLE", true, true], error.message);
      return true;
    });
    assert.equal(none.registry.get("irc", "irc.example.org"), undefined);
    await assert.rejects(none.servers.obtain(parseAddress("irc://irc.example.org/bob"), undefined), /could not be reached/);
    assert.equal(none.built.length, 4, "tried again at the next use");
  });

  it("finds a server by the name people give it as a network (a setting there): its host in any case, with a first use's checks", async () => {
    const { registry, built, servers } = harness({ ...BLOCK, open_channels_for: ["native:admin"] });
    registry.serveOnDemand(servers);
    assert.equal(servers.serves("irc"), true);
    assert.equal(servers.serves("xmpp"), false);
    assert.equal(harness({ ...BLOCK, enabled: false }).servers.serves("irc"), false);
    assert.equal(await registry.network("irc", "LIBERA", parseAddress("native:alice")), undefined, "a configured network's name is none of its own");
    assert.equal(await registry.network("irc", "irc_net", parseAddress("native:alice")), undefined, "no host name");
    await assert.rejects(registry.network("irc", "irc.example.net", parseAddress("native:alice")), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_FORBIDDEN");
    // No channel is joined: open_channels_for, which alice is not in, does not apply.
    const adapter = await registry.network("irc", "IRC.Example.ORG", parseAddress("native:alice"));
    assert.equal(adapter?.account, "irc.example.org");
    assert.equal(registry.findNetwork("irc", "Irc.Example.Org"), adapter, "registered once connected, found without case");
    assert.equal(await registry.network("irc", "irc.example.org"), adapter, "connected once");
    assert.equal(built.length, 1);
    servers.close();
  });
});
