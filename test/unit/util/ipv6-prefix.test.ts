import assert from "node:assert/strict";
import { formatIpv6, parseIpv6, parseIpv6Prefix } from "../../../src/util/ipv6-prefix.js";

describe("IPv6 prefixes (ipv6-prefix)", () => {
  it("reads prefixes and refuses what is not one, or longer than allowed", () => {
    assert.deepEqual(parseIpv6Prefix("fd00:5b::1/64", 64), { network: 0xfd00005b000000000000000000000000n, length: 64 });
    for (const bad of ["fd00:5b::", "fd00:5b::/65", "fd00::5b::/64", "10.0.0.0/8", "fd00:5b::/0", "g::/64", "1:2:3:4:5:6:7:8:9/64"]) {
      assert.equal(parseIpv6Prefix(bad, 64), undefined, bad);
    }
  });

  it("writes addresses in RFC 5952's canonical form", () => {
    const cases: Array<[string, string]> = [
      ["FD00:005B:0:0:0:0:0:1", "fd00:5b::1"],
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
      ["::", "::"],
      ["fd00::", "fd00::"],
    ];
    for (const [input, output] of cases) assert.equal(formatIpv6(parseIpv6(input) ?? assert.fail(input)), output);
  });
});
