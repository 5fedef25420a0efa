import assert from "node:assert/strict";
import { checkServiceHost, serviceHost } from "../../../src/adapters/xmpp/service-host.js";
import { isInternalAddress } from "../../../src/util/internal-hosts.js";

describe("the hosts a linked XMPP account may reach", () => {
  it("takes loopback, private, link-local, carrier-grade NAT, multicast and IPv4-mapped ones for internal", () => {
    for (const ip of ["127.0.0.1", "127.9.9.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "::", "fd00::1", "fe80::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1", "::7f00:1", "64:ff9b::7f00:1", "2002:7f00:1::1", "fec0::1"]) {
      assert.equal(isInternalAddress(ip), true, ip);
    }
    for (const ip of ["93.184.216.34", "172.32.0.1", "8.8.8.8", "2a00:1450:4001::1", "::ffff:8.8.8.8"]) assert.equal(isInternalAddress(ip), false, ip);
  });

  it("reads host and port from xmpp:// and xmpps:// services, and refuses anything else", () => {
    assert.deepEqual(serviceHost("xmpp://example.org:5222"), { host: "example.org", port: 5222 });
    assert.deepEqual(serviceHost("xmpps://[::1]:5223"), { host: "::1", port: 5223 });
    assert.deepEqual(serviceHost("xmpps://example.org"), { host: "example.org", port: 5223 });
    for (const service of ["xmpp://example.org:99999", "xmpp://example.org:0", "http://example.org:80", "xmpp://example.org:5222/x", "not a url"]) {
      assert.throws(() => serviceHost(service), { code: "GW_ERR_BAD_ADDRESS" }, service);
    }
  });

  it("lets through an internal host only when the operator lists it", async () => {
    await assert.rejects(checkServiceHost("xmpp://127.0.0.1:5222", []), { code: "GW_ERR_FORBIDDEN" });
    await assert.rejects(checkServiceHost("xmpp://localhost:5222", ["127.0.0.1"]), { code: "GW_ERR_FORBIDDEN" }, "the name is what is listed");
    await checkServiceHost("xmpp://127.0.0.1:5222", ["127.0.0.1"]);
    await checkServiceHost("xmpps://[::1]:5223", ["[::1]"]);
    await checkServiceHost("xmpps://[::1]:5223", ["::1"]);
    await checkServiceHost("xmpps://93.184.216.34:5223", []);
  });
});
