/**
 * XEP-0133's Send Announcement to Online Users (section 4.23) on the gateway's domain, against a real Prosody: an XMPP
 * admin's announcement reaches every native session logged in now, each once, as native admin.announce's does; its
 * form is XEP-0133's (subject, announcement); anyone else is refused.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { uniqueUser } from "../helpers/daemon.js";
import { useNetworks } from "../helpers/network-suite.js";
import type { Frame, NativeClient } from "../helpers/native-client.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const TIMEOUT = 10_000;
const COMMANDS = "http://jabber.org/protocol/commands";
const ADMIN_NODE = "http://jabber.org/protocol/admin";
const XMPP_ADMIN = uniqueUser("xannouncer");

describe("XEP-0133 announce to the gateway's users online", function () {
  this.timeout(60_000);
  const suite = useNetworks({ ircServer: "none", admins: [`xmpp:${XMPP_ADMIN}@localhost`] });

  function execute(client: XmppTestClient, fields?: Record<string, string | string[]>): Promise<Element> {
    const command = xml("command", { xmlns: COMMANDS, node: `${ADMIN_NODE}#announce`, action: "execute" });
    if (fields !== undefined) {
      const values = (value: string | string[]): Element[] => (Array.isArray(value) ? value : [value]).map((entry) => xml("value", {}, entry));
      command.append(xml("x", { xmlns: "jabber:x:data", type: "submit" }, ...Object.entries({ FORM_TYPE: ADMIN_NODE, ...fields }).map(([name, value]) => xml("field", { var: name }, ...values(value)))));
    }
    return client.iq(xml("iq", { type: "set", to: suite.prosody().componentDomain }, command), TIMEOUT);
  }

  /** The announcements a session was pushed so far: a ping's answer comes after any push made before it. */
  async function announcementsOf(client: NativeClient): Promise<Frame[]> {
    await client.ok({ type: "ping" });
    return client.transcript.filter((frame) => frame.type === "announcement");
  }

  it("shows an XMPP admin's announcement once in every native session online; refuses anyone else", async function () {
    const admin = await suite.xmppUserAs(XMPP_ADMIN);
    const alice = await suite.native("alice");
    const alicePhone = await suite.nativeAs(suite.nameOf(alice));
    const bob = await suite.native("bob");

    const mallory = await suite.xmppUser("mallory");
    await assert.rejects(execute(mallory), /forbidden/);
    await assert.rejects(execute(mallory, { announcement: "free pizza" }), /forbidden/);

    const form = (await execute(admin)).getChild("command", COMMANDS);
    assert.equal(form?.attrs["status"], "executing");
    assert.deepEqual(
      form?.getChild("x", "jabber:x:data")?.getChildren("field").map((field) => [field.attrs["var"], field.attrs["type"]]),
      [
        ["FORM_TYPE", "hidden"],
        ["subject", "text-single"],
        ["announcement", "text-multi"],
      ],
    );

    const before = Date.now();
    const answer = (await execute(admin, { subject: "Maintenance", announcement: ["The gateway restarts at 22:00 UTC.", "Back in five minutes."] })).getChild("command", COMMANDS);
    assert.equal(answer?.attrs["status"], "completed");
    const note = answer?.getChild("note");
    assert.deepEqual({ type: note?.attrs["type"], text: note?.getText() }, { type: "info", text: "Announced to 2 users online (3 sessions)" });

    for (const [who, session] of [["alice", alice], ["alice's phone", alicePhone], ["bob", bob]] as const) {
      const shown = await announcementsOf(session);
      assert.equal(shown.length, 1, `${who} is shown it once: ${JSON.stringify(shown)}`);
      const { timestamp, ...rest } = shown[0] as Frame;
      assert.deepEqual(rest, { type: "announcement", from: `xmpp:${admin.bareJid}`, subject: "Maintenance", body: "The gateway restarts at 22:00 UTC.\nBack in five minutes." }, who);
      assert.ok(typeof timestamp === "number" && timestamp >= before && timestamp <= Date.now(), `${who}: timestamp`);
    }

    const empty = (await execute(admin, { subject: "", announcement: "" })).getChild("command", COMMANDS)?.getChild("note");
    assert.equal(empty?.attrs["type"], "error");
    assert.match(empty?.getText() ?? "", /^GW_ERR_BAD_FRAME: /);
    assert.equal((await announcementsOf(bob)).length, 1, "nothing more was shown");
  });
});
