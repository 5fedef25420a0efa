/**
 * Bridges changed at runtime by an admin (native bridge.* frames, XEP-0050 ad-hoc commands on XMPP), against a real ngIRCd and a real Prosody
 * started by the test: an IRC channel and a MUC (through a bridge bot) bridged to a native room while the daemon
 * runs carry messages both ways at once, are still bridged after a restart, and removing one parts the channel
 * and stops the traffic. Nobody but an admin may do any of it, and the configuration file's bridges stay as
 * the file says.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { botYaml, componentYaml, ircNetworkYaml } from "../helpers/config-yaml.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { startNgircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

type Frame = Record<string, unknown>;

describe("bridges added and removed at runtime by an admin", function () {
  let prosody: ProsodyServer;
  let irc: IrcServer;
  let daemon: Daemon;
  let muc: string;
  const adminName = uniqueUser("admin");
  const xmppAdminName = uniqueUser("xadmin");
  const closers: Array<() => Promise<unknown>> = [];

  async function session(name: string, register = false): Promise<NativeClient> {
    const client = await NativeClient.session(daemon.url, name, PASSWORD, { register });
    closers.push(() => client.close());
    return client;
  }

  async function ircUser(name: string, channel: string): Promise<IrcTestClient> {
    const client = await IrcTestClient.connect(irc, uniqueUser(name));
    closers.push(() => client.quit());
    await client.join(channel);
    return client;
  }

  const bodies = (frames: Frame[]): string[] => frames.map((frame) => String((frame["message"] as Frame)["body"]));

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing the servers on a fresh machine may take minutes
    [prosody, irc] = await Promise.all([startProsody(), startNgircd()]);
    muc = `live@${prosody.mucDomain}`;
    await prosody.register("livebot", PASSWORD);
    daemon = Daemon.create(
      [
        `admins: ["native:${adminName}", "xmpp:${xmppAdminName}@localhost"]`,
        "bridges:",
        "  - room: fixed",
        "    with:",
        '      - "irc://net/#fixed"',
        "xmpp:",
        ...componentYaml(prosody),
        "  bots:",
        ...botYaml(prosody, "livebot"),
        "irc:",
        "  networks:",
        ...ircNetworkYaml("net", irc.port, "livegate"),
      ].join("\n"),
    );
    // The admins exist from the start, so that each test can run alone (mocha -g).
    await prosody.register(xmppAdminName, PASSWORD);
    await daemon.start({ BOT_PASSWORD: PASSWORD });
    await daemon.waitForLog(/XMPP bot online/);
    await daemon.waitForLog(/XMPP component online/);
    await daemon.waitForLog(/IRC network online/);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-4000));
  });

  after(async function () {
    for (const close of closers) await close().catch(() => undefined);
    await daemon?.dispose();
    await irc?.dispose();
    await prosody?.dispose();
  });

  it("refuses every bridge frame from a user who is not an admin", async function () {
    const mallory = await session(uniqueUser("mallory"), true);
    for (const frame of [
      { type: "bridge.add", room: "live", with: "irc://net/%23live" },
      { type: "bridge.remove", with: "irc://net/%23fixed" },
      { type: "bridge.list" },
      // Refused as not an admin's before anything in the frame is looked at.
      { type: "bridge.add", room: "live", with: "garbage" },
      { type: "bridge.remove", with: "garbage" },
    ]) {
      const answer = await mallory.request(frame);
      assert.equal(answer["code"], "GW_ERR_FORBIDDEN", `${frame.type}: ${JSON.stringify(answer)}`);
    }
  });

  it("bridges a channel and a MUC at once, keeps them across a restart, and removing one ends its traffic", async function () {
    this.timeout(90_000);
    let admin = await session(adminName, true);
    const ira = await ircUser("ira", "#live");
    ira.send("TOPIC #live :live and bridged");
    await ira.waitFor((line) => line.command === "TOPIC", 10_000, "the topic set");
    const xena = await XmppTestClient.newUser(prosody, uniqueUser("xena"), PASSWORD);
    closers.push(() => xena.stop());
    await xena.send(xml("presence", { to: `${muc}/Xena` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await xena.waitForPresence(`${muc}/Xena`);

    // The gateway joins the channel and the bot the MUC as soon as they are bridged.
    const added = await admin.ok({ type: "bridge.add", room: "live", with: "irc://net/%23live" });
    assert.deepEqual(
      { ...(added["bridge"] as Frame), created_at: 0 },
      { room: "live", with: "irc://net/%23live", membership: true, source: "runtime", created_by: `native:${adminName}`, created_at: 0 },
    );
    await ira.waitFor((line) => line.command === "JOIN" && line.nick === "livegate" && ira.same(line.params[0], "#live"), 15_000, "the gateway joining #live");
    await admin.ok({ type: "bridge.add", room: "live", with: `xmpp://livebot/${muc}`, nick: "relay" });
    await xena.waitForPresence(`${muc}/relay`, undefined, 15_000);
    const joinedLive = await admin.ok({ type: "room.join", room: "live" });
    // The room was made for the bridge: the channel's topic at the gateway's join is its subject.
    assert.equal((joinedLive["room"] as Frame)["subject"], "live and bridged");

    await admin.ok({ type: "room.send", room: "live", body: "hello from native" });
    const atIra = await ira.waitFor((line) => line.command === "PRIVMSG" && ira.same(line.params[0], "#live"), 15_000);
    assert.equal(atIra.params[1], "hello from native");
    assert.equal(atIra.nick?.toLowerCase(), `${adminName}[sb]`.toLowerCase());
    await xena.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body") === `<${adminName}> hello from native`, 15_000);
    ira.privmsg("#live", "hello from irc");
    assert.deepEqual(bodies([await admin.waitForType("message", undefined, 15_000)]), ["hello from irc"]);
    await xena.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body") === `<${ira.nick}> hello from irc`, 15_000);

    // Listed after the file's own bridge, in the order added; the same channel cannot be bridged twice.
    const listed = (await admin.ok({ type: "bridge.list" }))["bridges"] as Frame[];
    assert.deepEqual(
      listed.map((bridge) => [bridge["room"], bridge["with"], bridge["source"]]),
      [
        ["fixed", "irc://net/%23fixed", "config"],
        ["live", "irc://net/%23live", "runtime"],
        ["live", `xmpp://livebot/${muc}`, "runtime"],
      ],
    );
    assert.equal((await admin.request({ type: "bridge.add", room: "other", with: "irc://net/%23LIVE" }))["code"], "GW_ERR_ALREADY_BRIDGED");
    assert.equal((await admin.request({ type: "bridge.add", room: "other", with: "irc://elsewhere/%23live" }))["code"], "GW_ERR_NO_ROUTE");
    assert.equal((await admin.request({ type: "bridge.add", room: "other", with: "irc://net/bob" }))["code"], "GW_ERR_BAD_ADDRESS");
    const rooms = ((await admin.ok({ type: "room.list" }))["rooms"] as Frame[]).map((room) => room["name"]);
    assert.ok(rooms.includes("live") && !rooms.includes("other"), `a refused bridge leaves no room behind: ${rooms.join(", ")}`);
    assert.equal((await admin.request({ type: "bridge.remove", with: "irc://net/%23fixed" }))["code"], "GW_ERR_FORBIDDEN");

    // A restart: the bridges come back from the store, and the channel is joined again.
    await daemon.restart();
    await daemon.waitForLog(/IRC network online/);
    admin = await session(adminName);
    await ira.waitFor((line) => line.command === "JOIN" && line.nick === "livegate" && ira.same(line.params[0], "#live"), 15_000, "the gateway joining #live again");
    assert.equal(((await admin.ok({ type: "bridge.list" }))["bridges"] as Frame[]).length, 3);
    ira.privmsg("#live", "after the restart");
    assert.deepEqual(bodies([await admin.waitForType("message", undefined, 15_000)]), ["after the restart"]);

    // An XMPP user in the room's MUC on the gateway domain sees the people of the channel as occupants ...
    const roomJid = `#live@${prosody.componentDomain}`;
    const quin = await XmppTestClient.newUser(prosody, uniqueUser("quin"), PASSWORD);
    closers.push(() => quin.stop());
    await quin.send(xml("presence", { to: `${roomJid}/Quin` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await quin.waitForPresence(`${roomJid}/${ira.nick}`, (stanza) => stanza.attrs["type"] === undefined, 15_000);

    // Removing the channel's bridge: the gateway leaves it, and the room's messages reach the MUC only.
    await admin.ok({ type: "bridge.remove", with: "irc://net/%23live" });
    // ... and sees them leave with the channel's bridge, not linger until it joins again.
    await quin.waitForPresence(`${roomJid}/${ira.nick}`, (stanza) => stanza.attrs["type"] === "unavailable", 15_000);
    await ira.waitFor((line) => line.command === "PART" && line.nick === "livegate" && ira.same(line.params[0], "#live"), 15_000, "the gateway leaving #live");
    await admin.ok({ type: "room.send", room: "live", body: "only the MUC now" });
    await xena.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body") === `<${adminName}> only the MUC now`, 15_000);
    ira.privmsg("#live", "nobody relays this");
    await xena.sendMessage(muc, "xena still here", "groupchat");
    assert.deepEqual(bodies([await admin.waitForType("message", undefined, 15_000)]), ["xena still here"], "the channel's line is not relayed any more");
    const puppetLines = ira.take((line) => line.command === "PRIVMSG" && line.nick?.toLowerCase() === `${adminName}[sb]`.toLowerCase());
    assert.deepEqual(puppetLines, [], "nothing reaches the channel after the bridge is removed");
    assert.equal((await admin.request({ type: "bridge.remove", with: "irc://net/%23live" }))["code"], "GW_ERR_NOT_FOUND");
    assert.deepEqual(
      ((await admin.ok({ type: "bridge.list" }))["bridges"] as Frame[]).map((bridge) => bridge["with"]),
      ["irc://net/%23fixed", `xmpp://livebot/${muc}`],
    );

    // Bridged again: the channel's people are occupants again; the channel itself never is one.
    await admin.ok({ type: "bridge.add", room: "live", with: "irc://net/%23live" });
    await quin.waitForPresence(`${roomJid}/${ira.nick}`, (stanza) => stanza.attrs["type"] === undefined, 15_000);
    const roomsAsOccupants = quin.transcript.filter((stanza) => stanza.is("presence") && String(stanza.attrs["from"]).split("/").slice(1).join("/").includes("#live"));
    assert.deepEqual(roomsAsOccupants.map(String), [], "no occupant named after a bridged channel or MUC");
  });

  it("refuses a direct message to a channel, a bridged MUC or a room JID of the gateway's domain at once, with nothing failing later", async function () {
    this.timeout(60_000);
    const admin = await session(adminName, true);
    const roomMuc = `direct@${prosody.mucDomain}`;
    await admin.ok({ type: "bridge.add", room: "direct", with: `xmpp://livebot/${roomMuc}`, nick: "relay" });
    const rooms = [
      "irc://net/%23fixed", // bridged by the configuration file
      "irc://net/%23nobridge", // bridged by nobody
      `xmpp://livebot/${roomMuc}`,
      `xmpp:%23fixed%25net@${prosody.componentDomain}`,
      `xmpp:%23direct@${prosody.componentDomain}`,
    ];
    for (const to of rooms) {
      const refused = await admin.request({ type: "message.send", to, body: "not for a room" });
      assert.equal(refused["code"], "GW_ERR_BAD_ADDRESS", `${to}: ${JSON.stringify(refused)}`);
      assert.match(String(refused["message"]), /is a room, not a person/);
    }
    // A message to a person right after is delivered: anything accepted before it would have failed first.
    const ira = await ircUser("irma", "#fixed");
    await admin.ok({ type: "message.send", to: `irc://net/${ira.nick}`, body: "for a person" });
    await ira.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "for a person", 15_000, "the direct message");
    assert.doesNotMatch(daemon.log, /delivery failed/);
    await admin.ok({ type: "bridge.remove", with: `xmpp://livebot/${roomMuc}` });
  });

  it("bridges a MUC named like a user, and shows an IRC user who speaks under a user's name as name%network", async function () {
    this.timeout(60_000);
    const admin = await session(adminName, true);
    // Users whose names are a MUC's and an IRC user's nick: a MUC joins its room by its own name, freely.
    const [mucName, ircName] = [uniqueUser("agora"), uniqueUser("tom")];
    await session(mucName, true);
    await session(ircName, true);
    const namesake = `${mucName}@${prosody.mucDomain}`;
    await admin.ok({ type: "room.create", name: mucName });
    await admin.ok({ type: "bridge.add", room: mucName, with: `xmpp://livebot/${namesake}` });
    await admin.ok({ type: "bridge.add", room: mucName, with: `irc://net/%23${mucName}` });
    const members = ((await admin.ok({ type: "room.members", room: mucName }))["members"] as Frame[]).map((member) => member["nick"]);
    assert.ok(members.includes(mucName), `the MUC is a member under its own name: ${JSON.stringify(members)}`);
    const tom = await IrcTestClient.connect(irc, ircName);
    closers.push(() => tom.quit());
    await tom.join(`#${mucName}`);
    tom.privmsg(`#${mucName}`, "it is me, honest");
    const relayed = (await admin.waitForType("message", (frame) => (frame["message"] as Frame)["body"] === "it is me, honest", 15_000))["message"] as Frame;
    assert.equal(relayed["sender_name"], `${ircName}%net`, "the user's name is theirs: the IRC namesake is told apart");
  });

  it("bridges a channel with a key (+k), joins it with the key again after a restart, and relays its joins and leaves only when asked", async function () {
    this.timeout(90_000);
    let admin = await session(adminName, true);
    const ops = await IrcTestClient.connect(irc, uniqueUser("ops"));
    closers.push(() => ops.quit());
    await ops.join("#keyed");
    ops.send("MODE #keyed +k hunter2");
    await ops.waitFor((line) => line.command === "MODE" && ops.same(line.params[0], "#keyed") && line.params[1] === "+k", 10_000, "the channel key set");
    const gatewayJoin = (what: string) => ops.waitFor((line) => line.command === "JOIN" && line.nick === "livegate" && ops.same(line.params[0], "#keyed"), 15_000, what);

    // Bridged with the channel's key (never shown back) and joins and leaves off: the gateway joins with the key.
    const added = await admin.ok({ type: "bridge.add", room: "keyed", with: "irc://net/%23keyed", key: "hunter2", membership: false });
    assert.deepEqual({ ...(added["bridge"] as Frame), created_at: 0 }, {
      room: "keyed",
      with: "irc://net/%23keyed",
      keyed: true,
      membership: false,
      source: "runtime",
      created_by: `native:${adminName}`,
      created_at: 0,
    });
    await gatewayJoin("the gateway joining #keyed with its key");
    // The room was new: the bridge created it, and nothing on the way was logged as an error. The daemon logs
    // "bridge added" after the joins it made, on the same stream.
    await daemon.waitForLog(/"room":"keyed".*"bridge added"/);
    assert.doesNotMatch(daemon.log, /bridged native room not joined/);
    const listed = ((await admin.ok({ type: "bridge.list" }))["bridges"] as Frame[]).find((bridge) => bridge["with"] === "irc://net/%23keyed");
    assert.equal(JSON.stringify(listed).includes("hunter2"), false, "the key is never shown");

    // The key is stored: after a restart the gateway joins the keyed channel again.
    await daemon.restart();
    await daemon.waitForLog(/IRC network online/);
    await gatewayJoin("the gateway joining #keyed again after the restart");
    admin = await session(adminName);
    await admin.ok({ type: "room.join", room: "keyed" });

    // membership: false: someone joining the channel is not shown in the room. The line said after the join
    // comes through the same connection, and with the switch on (below) the join is shown before it.
    const joe = await IrcTestClient.connect(irc, uniqueUser("joe"));
    closers.push(() => joe.quit());
    await joe.join("#keyed", undefined, "hunter2");
    ops.privmsg("#keyed", "joe is here");
    assert.deepEqual(bodies([await admin.waitForType("message", undefined, 15_000)]), ["joe is here"]);
    assert.deepEqual(
      admin.pending("room.member").filter((frame) => (frame["member"] as Frame)["nick"] === joe.nick),
      [],
      "a join in a channel bridged with membership: false is not relayed",
    );

    // The same bridge with the switch on relays the next join, ahead of the line that follows it.
    await admin.ok({ type: "bridge.remove", with: "irc://net/%23keyed" });
    await ops.waitFor((line) => line.command === "PART" && line.nick === "livegate" && ops.same(line.params[0], "#keyed"), 15_000, "the gateway leaving #keyed");
    await admin.ok({ type: "bridge.add", room: "keyed", with: "irc://net/%23keyed", key: "hunter2" });
    await gatewayJoin("the gateway joining #keyed once more");
    const kim = await IrcTestClient.connect(irc, uniqueUser("kim"));
    closers.push(() => kim.quit());
    await kim.join("#keyed", undefined, "hunter2");
    ops.privmsg("#keyed", "kim is here");
    assert.deepEqual(bodies([await admin.waitForType("message", (frame) => (frame["message"] as Frame)["body"] === "kim is here", 15_000)]), ["kim is here"]);
    assert.deepEqual(
      admin.pending("room.member").filter((frame) => (frame["member"] as Frame)["nick"] === kim.nick).map((frame) => frame["event"]),
      ["joined"],
      "with membership on, the join is relayed before the line that follows it",
    );
    await admin.ok({ type: "bridge.remove", with: "irc://net/%23keyed" });
  });

  describe("through XEP-0050 ad-hoc commands of the gateway's domain", function () {
    const COMMANDS = "http://jabber.org/protocol/commands";

    function execute(client: XmppTestClient, node: string, fields?: Record<string, string>): Promise<Element> {
      const command = xml("command", { xmlns: COMMANDS, node, action: fields === undefined ? "execute" : "complete", sessionid: "s1" });
      if (fields !== undefined) {
        command.append(xml("x", { xmlns: "jabber:x:data", type: "submit" }, ...Object.entries(fields).map(([name, value]) => xml("field", { var: name }, xml("value", {}, value)))));
      }
      return client.iq(xml("iq", { type: "set", to: prosody.componentDomain }, command));
    }

    const note = (answer: Element): { type: string; text: string } => {
      const element = answer.getChild("command", COMMANDS)?.getChild("note");
      return { type: String(element?.attrs["type"]), text: element?.getText() ?? "" };
    };

    it("lists the bridge commands to admins only, and refuses anyone else", async function () {
      const admin = await XmppTestClient.connect(prosody, xmppAdminName, PASSWORD);
      await admin.sendPresence();
      closers.push(() => admin.stop());
      const other = await XmppTestClient.newUser(prosody, uniqueUser("xother"), PASSWORD);
      closers.push(() => other.stop());
      const items = async (client: XmppTestClient): Promise<string[]> =>
        (await client.iq(xml("iq", { type: "get", to: prosody.componentDomain }, xml("query", { xmlns: "http://jabber.org/protocol/disco#items", node: COMMANDS }))))
          .getChild("query")
          ?.getChildren("item")
          .map((item) => String(item.attrs["node"])) ?? [];
      // Without a credential key nobody can set an IRC account, but anyone can list and remove one kept earlier.
      const serviceAdmin = ["delete-user", "disable-user", "reenable-user", "get-registered-users-num", "get-online-users-num", "get-registered-users-list", "get-disabled-users-list", "announce", "set-motd", "edit-motd", "delete-motd"].map((command) => `http://jabber.org/protocol/admin#${command}`);
      assert.deepEqual(await items(admin), ["bridge-add", "bridge-remove", "bridge-list", "status", ...serviceAdmin, "irc-account-remove", "irc-accounts", "irc-nick"]);
      assert.deepEqual(await items(other), ["irc-account-remove", "irc-accounts", "irc-nick"]);
      await assert.rejects(execute(other, "bridge-list"), /forbidden/);
    });

    it("adds a bridge with a form, lists it, and removes it; with a channel key and joins and leaves off", async function () {
      this.timeout(60_000);
      const admin = await XmppTestClient.connect(prosody, xmppAdminName, PASSWORD, "adhoc");
      closers.push(() => admin.stop());
      const ira = await ircUser("iris", "#adhoc");
      const carol = await session(uniqueUser("carol"), true);

      const formAnswer = (await execute(admin, "bridge-add")).getChild("command", COMMANDS);
      assert.equal(formAnswer?.attrs["status"], "executing");
      assert.deepEqual(
        formAnswer?.getChild("x", "jabber:x:data")?.getChildren("field").map((field) => field.attrs["var"]),
        ["room", "with", "nick", "key", "membership"],
      );
      const added = await execute(admin, "bridge-add", { room: "adhoc", with: "irc://net/#adhoc", nick: "" });
      assert.equal(added.getChild("command", COMMANDS)?.attrs["status"], "completed");
      assert.deepEqual(note(added), { type: "info", text: "Bridged: adhoc <-> irc://net/%23adhoc (runtime)" });
      await ira.waitFor((line) => line.command === "JOIN" && line.nick === "livegate" && ira.same(line.params[0], "#adhoc"), 15_000, "the gateway joining #adhoc");
      await carol.ok({ type: "room.join", room: "adhoc" });
      ira.privmsg("#adhoc", "bridged by XMPP");
      assert.deepEqual(bodies([await carol.waitForType("message", undefined, 15_000)]), ["bridged by XMPP"]);

      const twice = await execute(admin, "bridge-add", { room: "adhoc", with: "irc://net/#adhoc" });
      assert.equal(note(twice).type, "error");
      assert.match(note(twice).text, /^GW_ERR_ALREADY_BRIDGED: /);

      const table = (await execute(admin, "bridge-list")).getChild("command", COMMANDS)?.getChild("x", "jabber:x:data");
      const rows = (table?.getChildren("item") ?? []).map((item) => item.getChildren("field").map((field) => field.getChildText("value")));
      assert.deepEqual(rows.at(-1), ["adhoc", "irc://net/%23adhoc", "runtime", "relayed"]);
      assert.deepEqual(rows[0], ["fixed", "irc://net/%23fixed", "config", "relayed"]);

      const removed = await execute(admin, "bridge-remove", { with: "irc://net/#adhoc" });
      assert.deepEqual(note(removed), { type: "info", text: "Removed the bridge of irc://net/%23adhoc" });
      await ira.waitFor((line) => line.command === "PART" && line.nick === "livegate" && ira.same(line.params[0], "#adhoc"), 15_000, "the gateway leaving #adhoc");

      // The form's key and joins-and-leaves switch: the key is used to join and never shown; "0" turns joins and leaves off.
      ira.send("MODE #adhoc +k s3same");
      await ira.waitFor((line) => line.command === "MODE" && ira.same(line.params[0], "#adhoc") && line.params[1] === "+k", 10_000, "the channel key set");
      const keyed = await execute(admin, "bridge-add", { room: "adhoc", with: "irc://net/#adhoc", key: "s3same", membership: "0" });
      assert.deepEqual(note(keyed), { type: "info", text: "Bridged: adhoc <-> irc://net/%23adhoc (runtime, no joins/leaves, keyed)" });
      await ira.waitFor((line) => line.command === "JOIN" && line.nick === "livegate" && ira.same(line.params[0], "#adhoc"), 15_000, "the gateway joining #adhoc with its key");
      const listedAgain = (await execute(admin, "bridge-list")).getChild("command", COMMANDS);
      assert.equal(listedAgain?.toString().includes("s3same"), false, "the key is never shown");
      const last = (listedAgain?.getChild("x", "jabber:x:data")?.getChildren("item") ?? []).at(-1);
      assert.deepEqual(last?.getChildren("field").map((field) => field.getChildText("value")), ["adhoc", "irc://net/%23adhoc", "runtime", "not relayed"]);
      const wrong = await execute(admin, "bridge-add", { room: "other", with: "irc://net/#other", membership: "maybe" });
      assert.match(note(wrong).text, /^GW_ERR_BAD_FRAME: "maybe" is not a boolean/);
      await execute(admin, "bridge-remove", { with: "irc://net/#adhoc" });
    });

    it("gives admins the gateway's status: each network's state and counts, an IRC server down as reconnecting with why, and what waits", async function () {
      this.timeout(90_000);
      const admin = await session(adminName, true);
      const status = async (): Promise<Frame> => (await admin.ok({ type: "gateway.status" }))["status"] as Frame;
      const adapter = (report: Frame, name: string): Frame | undefined => (report["adapters"] as Frame[]).find((entry) => `${String(entry["protocol"])}/${String(entry["account"])}` === name);
      const before = await status();
      assert.match(String(before["version"]), /^\d+\.\d+\.\d+/);
      for (const name of ["native/default", "xmpp/default", "xmpp/livebot", "irc/net"]) assert.equal(adapter(before, name)?.["status"], "online", `${name} in ${JSON.stringify(before)}`);
      assert.ok(Number((adapter(before, "native/default")?.["stats"] as Frame)["sessions"]) >= 1, "the admin's own session is counted");
      const botBridges = ((await admin.ok({ type: "bridge.list" }))["bridges"] as Frame[]).filter((bridge) => String(bridge["with"]).startsWith("xmpp://livebot/"));
      assert.equal((adapter(before, "xmpp/livebot")?.["stats"] as Frame)["bridged_mucs"], botBridges.length);
      assert.deepEqual(before["linked_accounts"], { total: 0, online: 0 });
      const outsider = await session(uniqueUser("nosy"), true);
      assert.equal((await outsider.request({ type: "gateway.status" }))["code"], "GW_ERR_FORBIDDEN");

      // The IRC server goes away: the network is reconnecting, with the reason, and what is sent there waits.
      const downs = (daemon.log.match(/adapter down; restarting after backoff/g) ?? []).length;
      const onlines = (daemon.log.match(/IRC network online/g) ?? []).length;
      await irc.stop();
      await daemon.waitForLog(new RegExp(`(adapter down; restarting after backoff[\\s\\S]*){${downs + 1}}`), 15_000);
      await admin.ok({ type: "message.send", to: "irc://net/somebody", body: "waits for the network" });
      const down = await status();
      const net = adapter(down, "irc/net");
      assert.ok(net?.["status"] === "reconnecting" || net?.["status"] === "connecting", JSON.stringify(net));
      assert.ok(typeof net?.["last_error"] === "string" && net["last_error"] !== "", JSON.stringify(net));
      assert.ok(Number(net?.["attempts"]) >= 1);
      assert.ok(Number(net?.["since"]) >= Number(adapter(before, "irc/net")?.["since"]));
      assert.ok(Number((down["outbox"] as Frame)["entries"]) >= 1 && Number((down["outbox"] as Frame)["recipients"]) >= 1, JSON.stringify(down["outbox"]));
      // The same from XMPP, as one note.
      const xmppAdmin = await XmppTestClient.connect(prosody, xmppAdminName, PASSWORD, "status");
      closers.push(() => xmppAdmin.stop());
      const text = note(await execute(xmppAdmin, "status")).text;
      assert.match(text, /^Switchboard \d+\.\d+\.\d+, up since /);
      assert.match(text, /\nirc\/net: (reconnecting|connecting) since [^\n]* \(attempt \d+: [^\n]+\)/);
      assert.match(text, /\nxmpp\/default: online since [^\n]*; occupants \d+, rooms with occupants \d+/);
      assert.match(text, /\nOutbox: [1-9]\d* messages waiting for [1-9]\d* recipients/);

      await irc.start();
      await daemon.waitForLog(new RegExp(`(IRC network online[\\s\\S]*){${onlines + 1}}`), 30_000);
      const back = adapter(await status(), "irc/net");
      assert.equal(back?.["status"], "online");
      assert.equal(back?.["last_error"], undefined);
      assert.equal(back?.["attempts"], 0);
    });
  });
});
