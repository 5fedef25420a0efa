/** The pure parts of XEP-0133's delete-user (service-admin-commands.ts): which native user a gateway JID names, and the JIDs of a jid-multi field. */
import assert from "node:assert/strict";
import { GatewayError } from "../../../src/core/errors.js";
import { listedJids, userNameOfJid } from "../../../src/adapters/xmpp/service-admin-commands.js";

const DOMAIN = "gw.example.org";

describe("XEP-0133 delete-user: the accounts a form names", () => {
  it("takes a gateway JID's local part as the user name, in lower case, a resource ignored", () => {
    assert.equal(userNameOfJid("Alice@gw.example.org", DOMAIN), "alice");
    assert.equal(userNameOfJid("alice@GW.example.org/laptop", DOMAIN), "alice");
  });

  it("refuses with GW_ERR_BAD_ADDRESS a JID of another domain, of someone of another network, of a room, or of the domain itself", () => {
    for (const jid of ["alice@example.org", `bob%libera@${DOMAIN}`, `#lobby@${DOMAIN}`, `%23dev%25libera@${DOMAIN}`, DOMAIN]) {
      assert.throws(
        () => userNameOfJid(jid, DOMAIN),
        (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_BAD_ADDRESS" && error.message.includes("not a user of this gateway"),
        jid,
      );
    }
  });

  it("reads a jid-multi field's values one a line, without blanks or repeats", () => {
    assert.deepEqual(listedJids(" a@gw \n\nb@gw\na@gw\n"), ["a@gw", "b@gw"]);
    assert.deepEqual(listedJids(""), []);
  });
});
