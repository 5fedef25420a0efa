import assert from "node:assert/strict";
import { clientRemote } from "../../../src/adapters/native/client-remote.js";

describe("clientRemote (the address a connection counts as)", () => {
  const proxies = new Set(["127.0.0.1", "10.0.0.2"]);

  it("is the peer when the peer is no trusted proxy, whatever the header says", () => {
    assert.equal(clientRemote("192.0.2.5", "198.51.100.7", proxies), "192.0.2.5");
    assert.equal(clientRemote("::ffff:192.0.2.5", undefined, proxies), "192.0.2.5");
  });

  it("is the rightmost untrusted address of X-Forwarded-For behind trusted proxies", () => {
    assert.equal(clientRemote("::ffff:127.0.0.1", "198.51.100.7", proxies), "198.51.100.7");
    assert.equal(clientRemote("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.2", proxies), "198.51.100.7");
    assert.equal(clientRemote("127.0.0.1", ["6.6.6.6", "198.51.100.7"], proxies), "198.51.100.7");
  });

  it("falls back sensibly: no header is the peer, a chain of proxies only is its first hop", () => {
    assert.equal(clientRemote("127.0.0.1", undefined, proxies), "127.0.0.1");
    assert.equal(clientRemote("127.0.0.1", " , ", proxies), "127.0.0.1");
    assert.equal(clientRemote("127.0.0.1", "10.0.0.2", proxies), "10.0.0.2");
  });
});
