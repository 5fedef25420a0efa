/**
 * The channel directory of an IRC server on demand (irc.servers_on_demand), against a real InspIRCd 3 (whose ELIST
 * has M, so a filter goes to it as a LIST mask) and a real Prosody: room.directory with the server's host as the
 * network connects it as a first use would and lists its channels, filtered; a host the configuration refuses is
 * refused with the same code as its first use; an XMPP client finds the server's directory at %host@D.
 */
import { xml } from "@xmpp/client";
import assert from "node:assert/strict";
import { componentYaml } from "../helpers/config-yaml.js";
import { uniqueUser } from "../helpers/daemon.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { useIrcAndProsody } from "../helpers/irc-prosody-suite.js";
import type { ProsodyServer } from "../helpers/servers.js";

const HOST = "127.0.0.1";

describe("The channel directory of an IRC server on demand (InspIRCd)", function () {
  this.timeout(60_000);
  let prosody: ProsodyServer;
  let founder: IrcTestClient;

  const suite = useIrcAndProsody({
    ircServer: "inspircd",
    async beforeDaemon() {
      founder = await IrcTestClient.connect(suite.irc(), uniqueUser("odfounder"), { timeoutMs: 10_000 });
      suite.closing(() => founder.quit());
      for (const channel of ["#od-dev", "#od-devops", "#od-other"]) await founder.join(channel);
      founder.send("TOPIC #od-dev :On demand \x1Ddev\x1D");
      await founder.waitFor((line) => line.command === "TOPIC" && line.params[0] === "#od-dev");
    },
    yaml: (server, xmppServer) => [
      "xmpp:",
      ...componentYaml(xmppServer),
      "irc:",
      "  networks: []",
      "  servers_on_demand:",
      "    enabled: true",
      `    allow: ["${HOST}", "denied.invalid"]`,
      '    deny: ["denied.invalid"]',
      `    internal_hosts: ["${HOST}"]`,
      `    ports: [${server.port}]`,
      "    tls:",
      "      enabled: false",
      "    nick: sbdirod",
    ],
    ready: [/XMPP component online/],
  });

  before(function () {
    prosody = suite.prosody();
  });

  it("connects the server for its directory as at a first use, and lists its channels by a filter the server applies", async () => {
    assert.match(founder.isupport.get("ELIST") ?? "", /M/i, "the server takes LIST masks");
    const client = await suite.native(uniqueUser("odbrowser"));
    const answer = await client.ok({ type: "room.directory", network: HOST, filter: "od-dev" });
    assert.equal(answer["network"], HOST);
    assert.deepEqual(answer["rooms"], [
      { address: `irc://${HOST}/%23od-dev`, name: "#od-dev", members: 1, topic: "On demand dev" },
      { address: `irc://${HOST}/%23od-devops`, name: "#od-devops", members: 1, topic: "" },
    ]);
    assert.equal(answer["complete"], true);
    const refused = await client.request({ type: "room.directory", network: "denied.invalid" });
    assert.equal(refused["code"], "GW_ERR_FORBIDDEN");
  });

  it("answers an XMPP client's disco#info and disco#items of %host@D", async () => {
    const juliet = await suite.xmppUser("odjuliet");
    const jid = `%${HOST}@${prosody.componentDomain}`;
    const info = await juliet.iq(xml("iq", { type: "get", to: jid }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" })));
    assert.equal(info.getChild("query")?.getChild("identity")?.attrs["name"], HOST);
    const items = await juliet.iq(xml("iq", { type: "get", to: jid }, xml("query", { xmlns: "http://jabber.org/protocol/disco#items" })));
    const jids = (items.getChild("query")?.getChildren("item") ?? []).map((item) => String(item.attrs["jid"]));
    assert.ok(jids.includes(`#od-other%${HOST}@${prosody.componentDomain}`), jids.join(", "));
  });
});
