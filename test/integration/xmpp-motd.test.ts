/**
 * XEP-0133's message of the day commands (sections 4.24 to 4.26) on the gateway's domain, against a real Prosody: an
 * XMPP admin's set-motd shows the text at once to every native session online (with "motd": true) and to each later
 * login; edit-motd's form is filled with the current text, and its change is shown at the next logins only;
 * delete-motd stops it; anyone else is refused; a text out of admin.announce's rules is refused.
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
const XMPP_ADMIN = uniqueUser("xmotd");

describe("XEP-0133 message of the day of the gateway's users", function () {
  this.timeout(60_000);
  const suite = useNetworks({ ircServer: "none", admins: [`xmpp:${XMPP_ADMIN}@localhost`] });

  function execute(client: XmppTestClient, command: string, fields?: Record<string, string | string[]>): Promise<Element> {
    const element = xml("command", { xmlns: COMMANDS, node: `${ADMIN_NODE}#${command}`, action: "execute" });
    if (fields !== undefined) {
      const values = (value: string | string[]): Element[] => (Array.isArray(value) ? value : [value]).map((entry) => xml("value", {}, entry));
      element.append(xml("x", { xmlns: "jabber:x:data", type: "submit" }, ...Object.entries({ FORM_TYPE: ADMIN_NODE, ...fields }).map(([name, value]) => xml("field", { var: name }, ...values(value)))));
    }
    return client.iq(xml("iq", { type: "set", to: suite.prosody().componentDomain }, element), TIMEOUT);
  }

  /** The note of a completed command: its type and text. */
  async function note(answer: Promise<Element>): Promise<{ type: unknown; text: string }> {
    const command = (await answer).getChild("command", COMMANDS);
    assert.equal(command?.attrs["status"], "completed");
    const element = command?.getChild("note");
    return { type: element?.attrs["type"], text: element?.getText() ?? "" };
  }

  /** A form's fields: name, type and values. */
  async function formOf(answer: Promise<Element>): Promise<unknown[]> {
    const command = (await answer).getChild("command", COMMANDS);
    assert.equal(command?.attrs["status"], "executing");
    return command?.getChild("x", "jabber:x:data")?.getChildren("field").map((field) => [field.attrs["var"], field.attrs["type"], field.getChildren("value").map((value) => value.getText())]) ?? [];
  }

  /** The announcements a session was pushed so far, without their timestamps: a ping's answer comes after any push made before it. */
  async function announcementsOf(client: NativeClient): Promise<Frame[]> {
    await client.ok({ type: "ping" });
    return client.transcript.filter((frame) => frame.type === "announcement").map(({ timestamp: _timestamp, ...rest }) => rest as Frame);
  }

  /** What a new login of `name` is shown, on a session closed then. */
  async function shownAtLogin(name: string): Promise<Frame[]> {
    const client = await suite.nativeAs(name);
    const shown = await announcementsOf(client);
    await client.close();
    return shown;
  }

  it("sets, edits (from a form filled with the text) and deletes the message of the day; refuses anyone else", async function () {
    const admin = await suite.xmppUserAs(XMPP_ADMIN);
    const alice = await suite.native("alice");
    const bob = await suite.native("bob");
    await bob.ok({ type: "logout" });
    const from = `xmpp:${admin.bareJid}`;

    const mallory = await suite.xmppUser("mallory");
    for (const command of ["set-motd", "edit-motd", "delete-motd"]) await assert.rejects(execute(mallory, command), /forbidden/, command);
    await assert.rejects(execute(mallory, "set-motd", { motd: "free pizza" }), /forbidden/);

    const empty = [
      ["FORM_TYPE", "hidden", [ADMIN_NODE]],
      ["subject", "text-single", []],
      ["motd", "text-multi", []],
    ];
    assert.deepEqual(await formOf(execute(admin, "set-motd")), empty);
    assert.deepEqual(await formOf(execute(admin, "edit-motd")), empty, "none set: nothing to fill in");

    assert.deepEqual(await note(execute(admin, "set-motd", { subject: "Welcome", motd: ["Be kind in #lobby.", "Maintenance on Sundays."] })), {
      type: "info",
      text: "Message of the day set; shown now to 1 user online (1 session)",
    });
    const first = { type: "announcement", from, subject: "Welcome", body: "Be kind in #lobby.\nMaintenance on Sundays.", motd: true };
    assert.deepEqual(await announcementsOf(alice), [first], "alice, online, is shown it at once");
    assert.deepEqual(await shownAtLogin(suite.nameOf(bob)), [first], "bob is shown it at his login");

    assert.deepEqual(await formOf(execute(admin, "edit-motd")), [
      ["FORM_TYPE", "hidden", [ADMIN_NODE]],
      ["subject", "text-single", ["Welcome"]],
      ["motd", "text-multi", ["Be kind in #lobby.", "Maintenance on Sundays."]],
    ]);
    assert.deepEqual(await note(execute(admin, "edit-motd", { subject: "", motd: ["Be kind everywhere."] })), { type: "info", text: "Message of the day changed; it is shown at each login" });
    assert.deepEqual(await announcementsOf(alice), [first], "an edit is not shown to those online");
    assert.deepEqual(await shownAtLogin(suite.nameOf(bob)), [{ type: "announcement", from, body: "Be kind everywhere.", motd: true }]);

    const refused = await note(execute(admin, "set-motd", { subject: "", motd: "" }));
    assert.equal(refused.type, "error");
    assert.match(refused.text, /^GW_ERR_BAD_FRAME: /);

    assert.deepEqual(await note(execute(admin, "delete-motd")), { type: "info", text: "Message of the day deleted" });
    assert.deepEqual(await shownAtLogin(suite.nameOf(bob)), []);
    assert.deepEqual(await note(execute(admin, "delete-motd")), { type: "info", text: "There was no message of the day" });
    assert.deepEqual(await announcementsOf(alice), [first], "nothing more was shown");
  });
});
