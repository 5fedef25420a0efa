/**
 * A deleted account as the other networks see it, against a real Prosody and a real ngIRCd: an XMPP contact gets
 * `unavailable`, `unsubscribed` and `unsubscribe` from the user's gateway JID, so their server ends the subscription
 * both ways; the user's IRC puppet quits the bridged channel, and the nick it went by stays held: a new account of the
 * same name speaks there under another, also one made by the operator's `switchboard user add` while the daemon runs. An XMPP admin deletes accounts by their gateway JIDs with XEP-0133's
 * delete-user command, by the rules of native admin.user.delete, and counts them.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { runCli, uniqueUser } from "../helpers/daemon.js";
import { useNetworks } from "../helpers/network-suite.js";
import { NativeClient } from "../helpers/native-client.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const CHANNEL = "#farewell";
const TIMEOUT = 10_000;
const COMMANDS = "http://jabber.org/protocol/commands";
const ADMIN_NODE = "http://jabber.org/protocol/admin";
const XMPP_ADMIN = uniqueUser("xadmin");
const NATIVE_ADMIN = uniqueUser("nadmin");

describe("a deleted account on other networks", function () {
  this.timeout(60_000);
  const suite = useNetworks({
    ircYaml: ["channels:", `  - channel: "${CHANNEL}"`, "    room: farewell"],
    admins: [`xmpp:${XMPP_ADMIN}@localhost`, `native:${NATIVE_ADMIN}`],
  });

  function gatewayJid(name: string): string {
    return `${name}@${suite.prosody().componentDomain}`;
  }

  /** An XMPP user and a native user see each other's presence, each having approved the other. */
  async function befriend(juliet: XmppTestClient, alice: NativeClient, aliceName: string): Promise<void> {
    const julietAddress = `xmpp:${juliet.bareJid}`;
    // A client that asked for its roster is one its server tells of subscription changes (RFC 6121 section 2.1.6).
    await juliet.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
    await juliet.send(xml("presence", { to: gatewayJid(aliceName), type: "subscribe" }));
    await alice.waitForType("subscription", (frame) => frame["from"] === julietAddress && frame["action"] === "request", TIMEOUT);
    await alice.ok({ type: "presence.approve", address: julietAddress });
    await juliet.waitForPresence(gatewayJid(aliceName), (stanza) => stanza.attrs["type"] === undefined, TIMEOUT);
    await alice.ok({ type: "presence.subscribe", address: julietAddress });
    await juliet.waitForPresence(gatewayJid(aliceName), (stanza) => stanza.attrs["type"] === "subscribe", TIMEOUT);
    await juliet.send(xml("presence", { to: gatewayJid(aliceName), type: "subscribed" }));
    await alice.waitForType("subscription", (frame) => frame["from"] === julietAddress && frame["action"] === "approve", TIMEOUT);
  }

  it("tells an XMPP contact the user is unavailable and ends the subscription both ways", async function () {
    const alice = await suite.native("alice");
    const aliceName = suite.nameOf(alice);
    const juliet = await suite.xmppUser("juliet");
    await befriend(juliet, alice, aliceName);

    await alice.ok({ type: "account.delete", password: PASSWORD }, TIMEOUT);
    const jid = gatewayJid(aliceName);
    await juliet.waitForPresence(jid, (stanza) => stanza.attrs["type"] === "unavailable", TIMEOUT);
    await juliet.waitForPresence(jid, (stanza) => stanza.attrs["type"] === "unsubscribed", TIMEOUT);
    await juliet.waitForPresence(jid, (stanza) => stanza.attrs["type"] === "unsubscribe", TIMEOUT);
    const roster = await juliet.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
    const item = roster.getChild("query")?.getChildren("item").find((entry) => entry.attrs["jid"] === jid);
    assert.equal(item?.attrs["subscription"], "none", "juliet's server ended the subscription both ways");
  });

  it("quits the user's IRC puppet, whose nick stays held: a new account of the name speaks under another", async function () {
    const carol = await suite.ircUser("carol");
    await carol.join(CHANNEL);
    const alice = await suite.native("alice");
    const aliceName = suite.nameOf(alice);
    await alice.ok({ type: "room.join", room: "farewell" });
    await alice.ok({ type: "room.send", room: "farewell", body: "last words" });
    const said = await carol.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "last words", TIMEOUT, "alice's puppet speaking");
    const puppet = said.nick ?? "";

    await alice.ok({ type: "account.delete", password: PASSWORD }, TIMEOUT);
    const quit = await carol.waitFor((line) => line.command === "QUIT" && line.nick === puppet, TIMEOUT, "alice's puppet quitting");
    assert.match(quit.params[0] ?? "", /account deleted/);

    const reborn = await suite.nativeAs(aliceName, { register: true });
    await reborn.ok({ type: "room.join", room: "farewell" });
    await reborn.ok({ type: "room.send", room: "farewell", body: "first words" });
    const first = await carol.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "first words", TIMEOUT, "the new account's puppet speaking");
    assert.notEqual(first.nick?.toLowerCase(), puppet.toLowerCase(), "the deleted account's nick is nobody's to take");
  });

  it("lets a puppet speak for an account of a deleted name made by `switchboard user add` while the daemon runs", async function () {
    const carol = await suite.ircUser("carol");
    await carol.join(CHANNEL);
    const alice = await suite.native("alice");
    const aliceName = suite.nameOf(alice);
    await alice.ok({ type: "room.join", room: "farewell" });
    await alice.ok({ type: "room.send", room: "farewell", body: "before" });
    const puppet = (await carol.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "before", TIMEOUT, "alice's puppet speaking")).nick ?? "";
    await alice.ok({ type: "account.delete", password: PASSWORD }, TIMEOUT);
    await carol.waitFor((line) => line.command === "QUIT" && line.nick === puppet, TIMEOUT, "alice's puppet quitting");

    // The operator's command writes to the store the daemon runs on; the daemon is not told.
    const added = await runCli(["user", "add", aliceName, "--config", suite.daemon().configPath], { env: { ...process.env, SWITCHBOARD_PASSWORD: PASSWORD }, timeoutMs: 45_000 });
    assert.equal(added.code, 0, added.stderr);
    const reborn = await suite.nativeAs(aliceName);
    await reborn.ok({ type: "room.join", room: "farewell" });
    await reborn.ok({ type: "room.send", room: "farewell", body: "after" });
    await carol.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "after", TIMEOUT, "the new account's puppet speaking");
    assert.doesNotMatch(suite.daemon().log, /was deleted: no puppet speaks for them/);
  });

  describe("through XEP-0133 commands of the gateway's domain", function () {
    /** Runs `node` (a XEP-0133 command) as `client`: with `fields`, the submitted form; values of an array are a multi-valued field. */
    function execute(client: XmppTestClient, node: string, fields?: Record<string, string | string[]>): Promise<Element> {
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
    const counted = async (client: XmppTestClient, node: string, field: string): Promise<number> => {
      const result = (await execute(client, node)).getChild("command", COMMANDS)?.getChild("x", "jabber:x:data");
      assert.equal(result?.attrs["type"], "result");
      return Number(result?.getChildren("field").find((entry) => entry.attrs["var"] === field)?.getChildText("value"));
    };

    it("deletes native accounts named by their gateway JIDs for an admin, never an admin's, and reports the JIDs that name nobody", async function () {
      const admin = await suite.xmppUserAs(XMPP_ADMIN);
      await suite.nativeAs(NATIVE_ADMIN, { register: true });
      const alice = await suite.native("alice");
      const bob = await suite.native("bob");
      const [aliceName, bobName] = [suite.nameOf(alice), suite.nameOf(bob)];

      // Anyone else is refused, and nothing is deleted.
      const mallory = await suite.xmppUser("mallory");
      await assert.rejects(execute(mallory, "delete-user", { accountjids: [gatewayJid(aliceName)] }), /forbidden/);
      await assert.rejects(execute(mallory, "get-registered-users-num"), /forbidden/);
      assert.ok(alice.isOpen);

      // The form XEP-0133 section 4.2 describes.
      const form = (await execute(admin, "delete-user")).getChild("command", COMMANDS)?.getChild("x", "jabber:x:data");
      assert.deepEqual(
        form?.getChildren("field").map((field) => [field.attrs["var"], field.attrs["type"], field.getChildText("value")]),
        [
          ["FORM_TYPE", "hidden", ADMIN_NODE],
          ["accountjids", "jid-multi", null],
        ],
      );

      const registered = await counted(admin, "get-registered-users-num", "registeredusersnum");
      assert.ok((await counted(admin, "get-online-users-num", "onlineusersnum")) >= 3, "the native sessions of this test at least");
      const nobody = uniqueUser("nobody");
      const answer = await execute(admin, "delete-user", {
        accountjids: [`${gatewayJid(aliceName.toUpperCase())}/laptop`, gatewayJid(bobName), gatewayJid(NATIVE_ADMIN), gatewayJid(nobody), `bob%libera@${suite.prosody().componentDomain}`],
      });
      assert.equal(answer.getChild("command", COMMANDS)?.attrs["status"], "completed");
      const { type, text } = note(answer);
      assert.equal(type, "warn");
      const lines = text.split("\n");
      assert.equal(lines[0], `Deleted: ${gatewayJid(aliceName.toUpperCase())}/laptop, ${gatewayJid(bobName)}`);
      assert.equal(lines[1], "Not deleted:");
      assert.match(lines[2] ?? "", new RegExp(`^${gatewayJid(NATIVE_ADMIN)}: GW_ERR_FORBIDDEN: .*is an admin`));
      assert.match(lines[3] ?? "", new RegExp(`^${gatewayJid(nobody)}: GW_ERR_NOT_FOUND: `));
      assert.match(lines[4] ?? "", /^bob%libera@[^:]+: GW_ERR_BAD_ADDRESS: .*not a user of this gateway/);
      assert.equal(await alice.closed(), 4001);
      assert.equal(await bob.closed(), 4001);
      assert.equal(await counted(admin, "get-registered-users-num", "registeredusersnum"), registered - 2);
      const again = suite.closing(await NativeClient.connect(suite.daemon().url));
      await again.ok({ type: "hello", version: 1 });
      assert.equal((await again.request({ type: "login", user: aliceName, password: PASSWORD }))["code"], "GW_ERR_AUTH_FAILED");
      await again.ok({ type: "login", user: NATIVE_ADMIN, password: PASSWORD });
    });
  });
});
