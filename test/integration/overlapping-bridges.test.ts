/**
 * Two Switchboard instances bridging the same IRC channel and the same XMPP MUC (a real ngIRCd and a real
 * Prosody): each line reaches the other network once per bridge and never comes back, and the bridges do not
 * relay each other's lines in a loop. What stops them: the XMPP relay marker (a bot ignores marked lines) and
 * the puppet nick template (a listener ignores puppets, any instance's).
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient, type IrcMessage } from "../helpers/irc-client.js";
import { startNgircd, type IrcServer } from "../helpers/irc-servers.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

describe("two bridges over the same IRC channel and XMPP MUC", function () {
  let prosody: ProsodyServer;
  let irc: IrcServer;
  const daemons: Daemon[] = [];
  const closers: Array<() => Promise<unknown>> = [];
  let muc: string;

  function bridge(instance: string): Daemon {
    return Daemon.create(
      [
        "xmpp:",
        "  bots:",
        `    - account: bot${instance}`,
        `      jid: bot${instance}@localhost`,
        "      password: ${BOT_PASSWORD}",
        `      service: xmpp://127.0.0.1:${prosody.c2sPort}`,
        "      rooms:",
        `        - muc: ${muc}`,
        `          nick: bridge${instance}`,
        "          room: loop",
        "irc:",
        "  networks:",
        "    - name: net",
        "      host: 127.0.0.1",
        `      port: ${irc.port}`,
        `      nick: gate${instance}`,
        `      ignore_nicks: ["gate*"]`,
        "      flood:",
        "        burst: 50",
        "        lines_per_second: 50",
        "      channels:",
        '        - channel: "#loop"',
        "          room: loop",
      ].join("\n"),
    );
  }

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing the servers on a fresh machine may take minutes
    [prosody, irc] = await Promise.all([startProsody(), startNgircd()]);
    muc = `loop@${prosody.mucDomain}`;
    for (const instance of ["a", "b"]) {
      await prosody.register(`bot${instance}`, PASSWORD);
      const daemon = bridge(instance);
      daemons.push(daemon);
      await daemon.start({ BOT_PASSWORD: PASSWORD });
      await daemon.waitForLog(/XMPP bot online/);
      await daemon.waitForLog(/IRC network online/);
    }
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") for (const daemon of daemons) console.log(daemon.log.slice(-2500));
  });

  after(async function () {
    for (const close of closers) await close().catch(() => undefined);
    for (const daemon of daemons) await daemon.dispose();
    await irc?.dispose();
    await prosody?.dispose();
  });

  it("relays each line once per bridge, never back to where it came from, and never in a loop", async function () {
    const ira = await IrcTestClient.connect(irc, uniqueUser("ira"));
    closers.push(() => ira.quit());
    await ira.join("#loop");
    const xena = await XmppTestClient.newUser(prosody, uniqueUser("xena"), PASSWORD);
    closers.push(() => xena.stop());
    await xena.send(xml("presence", { to: `${muc}/Xena` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await xena.waitForPresence(`${muc}/Xena`);

    const inMuc = (stanza: Element, text: string): boolean => stanza.is("message") && stanza.attrs["type"] === "groupchat" && (stanza.getChildText("body") ?? "").includes(text);
    const onIrc = (line: IrcMessage, text: string): boolean => line.command === "PRIVMSG" && line.params[0] === "#loop" && (line.params[1] ?? "").includes(text);

    ira.privmsg("#loop", "hello from IRC");
    const relayed = [await xena.waitFor((stanza) => inMuc(stanza, "hello from IRC"), 10_000), await xena.waitFor((stanza) => inMuc(stanza, "hello from IRC"), 10_000)];
    assert.deepEqual(relayed.map((stanza) => stanza.attrs["from"]).sort(), [`${muc}/bridgea`, `${muc}/bridgeb`], "once through each bridge");

    await xena.sendMessage(muc, "hello from XMPP", "groupchat");
    const atIra = await ira.waitForCount((line) => onIrc(line, "hello from XMPP"), 2, 10_000);
    assert.deepEqual(atIra.map((line) => line.nick?.toLowerCase()).sort(), ["xena[sb]", "xena[sb]_"], "once from each bridge's puppet of Xena");

    // A last line from each side: when it has arrived, nothing else may have (no echo, no loop).
    ira.privmsg("#loop", "sentinel from IRC");
    for (let copy = 0; copy < 2; copy++) await xena.waitFor((stanza) => inMuc(stanza, "sentinel from IRC"), 10_000);
    await xena.sendMessage(muc, "sentinel from XMPP", "groupchat");
    await ira.waitForCount((line) => onIrc(line, "sentinel from XMPP"), 2, 10_000);
    await xena.waitFor((stanza) => inMuc(stanza, "sentinel from XMPP") && stanza.attrs["from"] === `${muc}/Xena`, 10_000);

    const ircLines = ira.transcript.filter((line) => line.command === "PRIVMSG" && line.params[0] === "#loop").map((line) => line.params[1] ?? "");
    assert.equal(ircLines.filter((text) => text.includes("from IRC")).length, 0, "an IRC line came back to IRC");
    assert.equal(ircLines.length, 4, `IRC saw: ${JSON.stringify(ircLines)}`);
    const mucBodies = xena.transcript.filter((stanza) => stanza.is("message") && stanza.attrs["type"] === "groupchat").map((stanza) => `${String(stanza.attrs["from"])}: ${stanza.getChildText("body") ?? ""}`);
    assert.equal(mucBodies.filter((line) => line.includes("from XMPP") && !line.startsWith(`${muc}/Xena:`)).length, 0, `an XMPP line came back to XMPP: ${JSON.stringify(mucBodies)}`);
  });
});
