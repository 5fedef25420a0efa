/**
 * A disabled account as the other networks see it, against a real Prosody and a real ngIRCd: the user's IRC puppet
 * quits the bridged channel saying `account disabled` and speaks again once the account is enabled; an XMPP admin
 * disables and re-enables accounts by their gateway JIDs with XEP-0133's disable-user and reenable-user commands, by
 * the rules of native admin.user.disable, and an XMPP contact of the user sees them go unavailable; an XMPP admin lists
 * the accounts' JIDs, all or the disabled ones (XEP-0133 get-registered-users-list, get-disabled-users-list).
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { uniqueUser } from "../helpers/daemon.js";
import { useNetworks } from "../helpers/network-suite.js";
import { NativeClient } from "../helpers/native-client.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";

const CHANNEL = "#lockers";
const TIMEOUT = 10_000;
const COMMANDS = "http://jabber.org/protocol/commands";
const ADMIN_NODE = "http://jabber.org/protocol/admin";
const XMPP_ADMIN = uniqueUser("xadmin");
const NATIVE_ADMIN = uniqueUser("nadmin");

describe("a disabled account on other networks", function () {
  this.timeout(60_000);
  const suite = useNetworks({
    ircYaml: ["channels:", `  - channel: "${CHANNEL}"`, "    room: lockers"],
    admins: [`xmpp:${XMPP_ADMIN}@localhost`, `native:${NATIVE_ADMIN}`],
  });

  function gatewayJid(name: string): string {
    return `${name}@${suite.prosody().componentDomain}`;
  }

  async function loginAnswer(name: string): Promise<Record<string, unknown>> {
    const client = suite.closing(await NativeClient.connect(suite.daemon().url));
    await client.ok({ type: "hello", version: 1 });
    return client.request({ type: "login", user: name, password: PASSWORD });
  }

  it("quits the user's IRC puppet with `account disabled`; enabled again, they speak there under the same nick", async function () {
    const carol = await suite.ircUser("carol");
    await carol.join(CHANNEL);
    const admin = await suite.nativeAs(NATIVE_ADMIN, { register: true });
    const alice = await suite.native("alice");
    const aliceName = suite.nameOf(alice);
    await alice.ok({ type: "room.join", room: "lockers" });
    await alice.ok({ type: "room.send", room: "lockers", body: "before the lock" });
    const puppet = (await carol.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "before the lock", TIMEOUT, "alice's puppet speaking")).nick ?? "";

    await admin.ok({ type: "admin.user.disable", name: aliceName, reason: "flooding" }, TIMEOUT);
    const quit = await carol.waitFor((line) => line.command === "QUIT" && line.nick === puppet, TIMEOUT, "alice's puppet quitting");
    assert.match(quit.params[0] ?? "", /account disabled/);
    assert.doesNotMatch(quit.params[0] ?? "", /flooding/, "the operators' reason is theirs");
    assert.equal(await alice.closed(), 4001);

    await admin.ok({ type: "admin.user.enable", name: aliceName }, TIMEOUT);
    const back = await suite.nativeAs(aliceName);
    await back.ok({ type: "room.send", room: "lockers", body: "after the lock" });
    const said = await carol.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "after the lock", TIMEOUT, "alice's puppet speaking again");
    assert.equal(said.nick, puppet, "the same person, the same nick");
  });

  describe("through XEP-0133 commands of the gateway's domain", function () {
    function execute(client: Awaited<ReturnType<typeof suite.xmppUserAs>>, node: string, fields?: Record<string, string | string[]>): Promise<Element> {
      const command = xml("command", { xmlns: COMMANDS, node: `${ADMIN_NODE}#${node}`, action: "execute" });
      if (fields !== undefined) {
        const values = (value: string | string[]): Element[] => (Array.isArray(value) ? value : [value]).map((entry) => xml("value", {}, entry));
        command.append(xml("x", { xmlns: "jabber:x:data", type: "submit" }, ...Object.entries({ FORM_TYPE: ADMIN_NODE, ...fields }).map(([name, value]) => xml("field", { var: name }, ...values(value)))));
      }
      return client.iq(xml("iq", { type: "set", to: suite.prosody().componentDomain }, command), TIMEOUT);
    }
    const note = (answer: Element): { type: string; text: string } => {
      const element = answer.getChild("command", COMMANDS)?.getChild("note");
      return { type: String(element?.attrs["type"]), text: element?.getText() ?? "" };
    };

    it("disables and re-enables native accounts named by their gateway JIDs for an admin, never an admin's; a contact sees them go", async function () {
      const admin = await suite.xmppUserAs(XMPP_ADMIN);
      await suite.nativeAs(NATIVE_ADMIN);
      const alice = await suite.native("alice");
      const aliceName = suite.nameOf(alice);
      const juliet = await suite.xmppUser("juliet");
      // juliet sees alice's presence: she asked, alice approved.
      await juliet.send(xml("presence", { to: gatewayJid(aliceName), type: "subscribe" }));
      await alice.waitForType("subscription", (frame) => frame["from"] === `xmpp:${juliet.bareJid}` && frame["action"] === "request", TIMEOUT);
      await alice.ok({ type: "presence.approve", address: `xmpp:${juliet.bareJid}` });
      await juliet.waitForPresence(gatewayJid(aliceName), (stanza) => stanza.attrs["type"] === undefined, TIMEOUT);

      const mallory = await suite.xmppUser("mallory");
      await assert.rejects(execute(mallory, "disable-user", { accountjids: [gatewayJid(aliceName)] }), /forbidden/);
      await assert.rejects(execute(mallory, "reenable-user", { accountjids: [gatewayJid(aliceName)] }), /forbidden/);
      assert.ok(alice.isOpen);

      const form = (await execute(admin, "disable-user")).getChild("command", COMMANDS)?.getChild("x", "jabber:x:data");
      assert.deepEqual(
        form?.getChildren("field").map((field) => [field.attrs["var"], field.attrs["type"]]),
        [
          ["FORM_TYPE", "hidden"],
          ["accountjids", "jid-multi"],
          ["reason", "text-single"],
        ],
      );
      const nobody = uniqueUser("nobody");
      const answer = await execute(admin, "disable-user", { accountjids: [`${gatewayJid(aliceName)}/laptop`, gatewayJid(NATIVE_ADMIN), gatewayJid(nobody)], reason: "abuse report 42" });
      assert.equal(answer.getChild("command", COMMANDS)?.attrs["status"], "completed");
      const disabled = note(answer);
      assert.equal(disabled.type, "warn");
      const lines = disabled.text.split("\n");
      assert.equal(lines[0], `Disabled: ${gatewayJid(aliceName)}/laptop`);
      assert.equal(lines[1], "Not disabled:");
      assert.match(lines[2] ?? "", new RegExp(`^${gatewayJid(NATIVE_ADMIN)}: GW_ERR_FORBIDDEN: .*is an admin`));
      assert.match(lines[3] ?? "", new RegExp(`^${gatewayJid(nobody)}: GW_ERR_NOT_FOUND: `));
      assert.equal(await alice.closed(), 4001);
      await juliet.waitForPresence(gatewayJid(aliceName), (stanza) => stanza.attrs["type"] === "unavailable", TIMEOUT);
      assert.equal((await loginAnswer(aliceName))["code"], "GW_ERR_ACCOUNT_DISABLED");
      assert.equal((await loginAnswer(NATIVE_ADMIN))["user"], NATIVE_ADMIN);

      const enabled = note(await execute(admin, "reenable-user", { accountjids: [gatewayJid(aliceName)] }));
      assert.deepEqual(enabled, { type: "info", text: `Re-enabled: ${gatewayJid(aliceName)}` });
      assert.equal((await loginAnswer(aliceName))["user"], aliceName);
    });

    it("lists the accounts' gateway JIDs, all or the disabled ones, for an admin only, capped by max_items", async function () {
      const admin = await suite.xmppUserAs(XMPP_ADMIN);
      const bob = await suite.native("bob");
      const bobName = suite.nameOf(bob);
      const dora = await suite.native("dora");
      const doraName = suite.nameOf(dora);
      const nativeAdmin = await suite.nativeAs(NATIVE_ADMIN);
      await nativeAdmin.ok({ type: "admin.user.disable", name: doraName }, TIMEOUT);
      const values = (answer: Element, field: string): string[] => {
        const form = answer.getChild("command", COMMANDS)?.getChild("x", "jabber:x:data");
        const found = form?.getChildren("field").find((candidate) => candidate.attrs["var"] === field);
        assert.equal(found?.attrs["type"], "jid-multi", `${field} is a jid-multi field`);
        return found.getChildren("value").map((value) => value.getText());
      };

      // XEP-0133 section 4.18: a form asking max_items first (a list-single of 25 to 200, or none), then the list.
      for (const node of ["get-registered-users-list", "get-disabled-users-list"]) {
        const asked = (await execute(admin, node)).getChild("command", COMMANDS);
        assert.equal(asked?.attrs["status"], "executing", node);
        const maxItems = asked?.getChild("x", "jabber:x:data")?.getChildren("field").find((field) => field.attrs["var"] === "max_items");
        assert.equal(maxItems?.attrs["type"], "list-single", node);
        assert.deepEqual(
          maxItems.getChildren("option").map((option) => option.getChildText("value")),
          ["25", "50", "75", "100", "150", "200", "none"],
        );
      }
      const registered = await execute(admin, "get-registered-users-list", { max_items: "none" });
      assert.equal(registered.getChild("command", COMMANDS)?.attrs["status"], "completed");
      const all = values(registered, "registereduserjids");
      assert.ok(all.includes(gatewayJid(bobName)) && all.includes(gatewayJid(doraName)) && all.includes(gatewayJid(NATIVE_ADMIN)), all.join(" "));
      assert.deepEqual(all, [...all].sort(), "by name");
      const disabled = values(await execute(admin, "get-disabled-users-list", {}), "disableduserjids");
      assert.ok(disabled.includes(gatewayJid(doraName)), disabled.join(" "));
      assert.ok(!disabled.includes(gatewayJid(bobName)), "bob is not disabled");

      const capped = await execute(admin, "get-registered-users-list", { max_items: "1" });
      assert.deepEqual(values(capped, "registereduserjids"), all.slice(0, 1));
      assert.match(note(capped).text, /there are more/);

      const mallory = await suite.xmppUser("mallory");
      await assert.rejects(execute(mallory, "get-registered-users-list"), /forbidden/);
      await assert.rejects(execute(mallory, "get-disabled-users-list"), /forbidden/);
    });
  });
});
