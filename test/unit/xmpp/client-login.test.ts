import assert from "node:assert/strict";
import { guardedCredentials } from "../../../src/adapters/xmpp/client-login.js";

function attempt(service: string, secure: boolean, mechanisms: string[]): { offered: string[]; result: Promise<void> } {
  const offered: string[] = [];
  const login = guardedCredentials("bot", "secret", service);
  const result = login(async (_credentials, mechanism) => void offered.push(mechanism), mechanisms, null, { isSecure: () => secure });
  return { offered, result };
}

describe("client-mode logins", () => {
  it("refuses to offer credentials on an unencrypted connection to a remote host", async () => {
    const { offered, result } = attempt("xmpp://xmpp.example.org:5222", false, ["SCRAM-SHA-1", "PLAIN"]);
    await assert.rejects(result, { code: "GW_ERR_FORBIDDEN" });
    assert.deepEqual(offered, [], "nothing about the password was sent");
  });

  it("logs in over plaintext to loopback, never with PLAIN", async () => {
    const { offered, result } = attempt("xmpp://127.0.0.1:5222", false, ["PLAIN", "SCRAM-SHA-1"]);
    await result;
    assert.deepEqual(offered, ["SCRAM-SHA-1"]);
    await assert.rejects(attempt("xmpp://localhost:5222", false, ["PLAIN"]).result, { code: "GW_ERR_FORBIDDEN" });
  });

  it("takes the server's first mechanism on an encrypted connection", async () => {
    const { offered, result } = attempt("xmpps://xmpp.example.org:5223", true, ["PLAIN", "SCRAM-SHA-1"]);
    await result;
    assert.deepEqual(offered, ["PLAIN"]);
  });
});
