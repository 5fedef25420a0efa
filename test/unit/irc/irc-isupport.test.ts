import assert from "node:assert/strict";
import { applyIsupport, serverInfoFrom } from "../../../src/adapters/irc/irc-isupport.js";

function info(...lines: string[][]): ReturnType<typeof serverInfoFrom> {
  const tokens = new Map<string, string>();
  for (const params of lines) applyIsupport(tokens, ["gw", ...params, "are supported by this server"]);
  return serverInfoFrom(tokens);
}

describe("RPL_ISUPPORT (005) server information", () => {
  it("reads InspIRCd-like tokens over several lines", () => {
    const server = info(["AWAYLEN=200", "CASEMAPPING=rfc1459", "CHANTYPES=#", "HOSTLEN=64", "MONITOR=1000"], ["NICKLEN=30", "PREFIX=(qaohv)~&@%+", "USERLEN=10", "NETWORK=Test\\x20Net", "CHANMODES=IXbegw,k,FHJLfjl,ABCDKMNOPQRSTcimnprstuz"]);
    assert.deepEqual({ ...server, isupport: undefined }, {
      nickLen: 30,
      awayLen: 200,
      lineLen: 512,
      caseMapping: "rfc1459",
      chanTypes: "#",
      monitor: 1000,
      hostLen: 64,
      userLen: 10,
      prefixes: "~&@%+",
      prefixModes: "qaohv",
      paramModes: { always: "IXbegwk", whenSet: "IXbegwkFHJLfjl" },
      network: "Test Net",
      isupport: undefined,
    });
  });

  it("uses RFC defaults for a server that announces nothing", () => {
    const server = info();
    assert.equal(server.nickLen, 9);
    assert.equal(server.lineLen, 512);
    assert.equal(server.caseMapping, "rfc1459");
    assert.equal(server.chanTypes, "#&");
    assert.equal(server.monitor, undefined);
    assert.equal(server.awayLen, undefined);
    assert.deepEqual([server.prefixModes, server.paramModes], ["qaohv", { always: "bk", whenSet: "bkl" }], "RFC 2812's channel modes");
  });

  it("reads LINELEN, a MONITOR without a limit, an unknown CASEMAPPING and withdrawn tokens", () => {
    const server = info(["LINELEN=2048", "MONITOR", "CASEMAPPING=something-new", "NICKLEN=15"], ["-NICKLEN"]);
    assert.equal(server.lineLen, 2048);
    assert.equal(server.monitor, Number.POSITIVE_INFINITY);
    assert.equal(server.caseMapping, "rfc1459");
    assert.equal(server.nickLen, 9);
    assert.equal(server.isupport.get("MONITOR"), "");
  });
});
