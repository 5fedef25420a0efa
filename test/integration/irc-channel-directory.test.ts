/**
 * An IRC network's channel directory (room.directory; disco#items of %network@D with XEP-0059 paging), against a real
 * ngIRCd and a real Prosody: channels made by IRC clients, with their topics (formatting stripped) and members, a
 * secret one not listed; the native client pages by name with a steady cursor and filters; one LIST serves everyone
 * within a minute (the IRC network's `channel_listings` in the gateway's status counts the LISTs sent); an XMPP client browses the domain, then the network, a page
 * at a time; an unknown network is refused on both.
 */
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import assert from "node:assert/strict";
import { componentYaml, ircNetworkYaml } from "../helpers/config-yaml.js";
import { uniqueUser } from "../helpers/daemon.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { useIrcAndProsody } from "../helpers/irc-prosody-suite.js";
import type { NativeClient, Frame } from "../helpers/native-client.js";
import type { ProsodyServer } from "../helpers/servers.js";

const DISCO_ITEMS = "http://jabber.org/protocol/disco#items";
const DISCO_INFO = "http://jabber.org/protocol/disco#info";
const RSM = "http://jabber.org/protocol/rsm";
const ADMIN = uniqueUser("diradmin");
/** The channels the IRC clients make, by name order; #dir-secret (+s) is not listed. */
const LISTED = ["#dir-alpha", "#dir-beta", "#dir-dev", "#dir-devops", "#dir-zeta"];

interface Room {
  readonly address: string;
  readonly name: string;
  readonly members: number;
  readonly topic: string;
}

describe("IRC channel directory (ngIRCd)", function () {
  this.timeout(60_000);
  let prosody: ProsodyServer;
  let admin: NativeClient | undefined;

  const suite = useIrcAndProsody({
    ircServer: "ngircd",
    async beforeDaemon() {
      const [alice, bob] = await IrcTestClient.connectMany(suite.irc(), ["diralice", "dirbob"], { timeoutMs: 10_000 });
      if (alice === undefined || bob === undefined) throw new Error("no IRC clients");
      suite.closing(() => alice.quit());
      suite.closing(() => bob.quit());
      for (const channel of [...LISTED, "#dir-secret"]) await alice.join(channel);
      await bob.join("#dir-dev");
      await bob.join("#dir-devops");
      alice.send("TOPIC #dir-dev :Development \x02talk\x02 \x0304here\x03");
      await alice.waitFor((line) => line.command === "TOPIC" && line.params[0] === "#dir-dev");
      alice.send("MODE #dir-secret +s");
      await alice.waitFor((line) => line.command === "MODE" && line.params[0] === "#dir-secret");
    },
    yaml: (server, xmppServer) => [`admins: ["native:${ADMIN}"]`, "xmpp:", ...componentYaml(xmppServer), "irc:", "  networks:", ...ircNetworkYaml("dirnet", server.port, "sbdir", ["presence_poll_seconds: 3600"])],
    ready: [/IRC network online/, /XMPP component online/],
  });

  before(function () {
    prosody = suite.prosody();
  });

  function native(name = uniqueUser("browser")): Promise<NativeClient> {
    return suite.native(name);
  }

  /** The LISTs the gateway sent to the network (its status, for admins). */
  async function listings(): Promise<unknown> {
    admin ??= await native(ADMIN);
    const status = (await admin.ok({ type: "gateway.status" }))["status"] as { adapters: { protocol: string; stats?: Record<string, number> }[] };
    return status.adapters.find((adapter) => adapter.protocol === "irc")?.stats?.["channel_listings"];
  }
  const ours = (rooms: unknown): Room[] => (rooms as Room[]).filter((room) => room.name.startsWith("#dir-"));

  it("pages a network's channels by name with their members and topics, filters them, and lists once for everyone within a minute", async () => {
    const [one, two] = [await native(), await native()];
    assert.equal(await listings(), 0);
    // Two users at once: one LIST between them.
    const [first, other] = await Promise.all([one.ok({ type: "room.directory", network: "DirNet", max: 2 }), two.ok({ type: "room.directory", network: "dirnet" })]);
    assert.equal(first["network"], "dirnet");
    assert.deepEqual(
      ours(other["rooms"]).map((room) => room.name),
      LISTED,
      "by name, the secret channel left out",
    );
    assert.deepEqual(ours(other["rooms"]).find((room) => room.name === "#dir-dev"), { address: "irc://dirnet/%23dir-dev", name: "#dir-dev", members: 2, topic: "Development talk here" });
    assert.equal(ours(other["rooms"]).find((room) => room.name === "#dir-alpha")?.members, 1);
    assert.deepEqual(
      [first["index"], first["complete"], first["truncated"]],
      [0, false, false],
    );
    assert.equal(first["count"], (other["rooms"] as Room[]).length);
    // Paging through the channels whose name has "dir-": one filter, the listing kept answering it.
    const start = await one.ok({ type: "room.directory", network: "dirnet", filter: "dir-", max: 2 });
    assert.deepEqual([start["count"], start["last"]], [5, "#dir-beta"]);
    const pages: string[][] = [(start["rooms"] as Room[]).map((room) => room.name)];
    let page: Frame = start;
    while (page["complete"] !== true) {
      page = await one.ok({ type: "room.directory", network: "dirnet", filter: "dir-", max: 2, after: page["last"] });
      pages.push((page["rooms"] as Room[]).map((room) => room.name));
    }
    assert.deepEqual(pages, [
      ["#dir-alpha", "#dir-beta"],
      ["#dir-dev", "#dir-devops"],
      ["#dir-zeta"],
    ]);
    const filtered = await two.ok({ type: "room.directory", network: "dirnet", filter: "DIR-DEV" });
    assert.deepEqual(
      (filtered["rooms"] as Room[]).map((room) => room.name),
      ["#dir-dev", "#dir-devops"],
    );
    assert.equal(filtered["complete"], true);
    assert.equal("last" in filtered, false);
    assert.equal(await listings(), 1, "one LIST served every page, both users and both filters");
  });

  it("refuses a network nobody serves", async () => {
    const client = await native();
    const refused = await client.request({ type: "room.directory", network: "nowhere" });
    assert.equal(refused["code"], "GW_ERR_NO_ROUTE");
  });

  it("lets an XMPP client browse the domain, then the network's channels a page at a time (XEP-0059)", async () => {
    const juliet = await suite.xmppUser("juliet");
    const domain = prosody.componentDomain;
    const network = `%dirnet@${domain}`;
    const top = await juliet.iq(xml("iq", { type: "get", to: domain }, xml("query", { xmlns: DISCO_ITEMS })));
    assert.ok(top.getChild("query")?.getChildren("item").some((item) => item.attrs["jid"] === network), top.toString());
    const info = await juliet.iq(xml("iq", { type: "get", to: network }, xml("query", { xmlns: DISCO_INFO })));
    const identity = info.getChild("query")?.getChild("identity");
    assert.deepEqual([identity?.attrs["category"], identity?.attrs["type"], identity?.attrs["name"]], ["conference", "irc", "dirnet"]);
    assert.ok(info.getChild("query")?.getChildren("feature").some((feature) => feature.attrs["var"] === RSM));

    const browse = (after?: string): Promise<Element> =>
      juliet.iq(xml("iq", { type: "get", to: network }, xml("query", { xmlns: DISCO_ITEMS }, xml("set", { xmlns: RSM }, xml("max", {}, "3"), ...(after === undefined ? [] : [xml("after", {}, after)])))));
    const seen: string[] = [];
    let after: string | undefined;
    for (let pageNumber = 0; pageNumber < 20; pageNumber++) {
      const answer = await browse(after);
      const query = answer.getChild("query");
      const items = query?.getChildren("item") ?? [];
      seen.push(...items.map((item) => String(item.attrs["jid"])));
      if (pageNumber === 0) {
        const set = query?.getChild("set", RSM);
        assert.equal(set?.getChild("first")?.attrs["index"], "0");
        assert.equal(set?.getChildText("first"), items[0]?.attrs["jid"]);
        assert.equal(set?.getChildText("last"), items[items.length - 1]?.attrs["jid"]);
        assert.ok(Number(set?.getChildText("count")) >= LISTED.length);
      }
      const dev = items.find((item) => item.attrs["jid"] === `#dir-dev%dirnet@${domain}`);
      if (dev !== undefined) assert.equal(dev.attrs["name"], "#dir-dev (2): Development talk here");
      after = query?.getChild("set", RSM)?.getChildText("last") ?? undefined;
      if (items.length < 3) break;
    }
    assert.deepEqual(
      seen.filter((jid) => jid.startsWith("#dir-")),
      LISTED.map((name) => `${name}%dirnet@${domain}`),
    );
    await assert.rejects(juliet.iq(xml("iq", { type: "get", to: `%nowhere@${domain}` }, xml("query", { xmlns: DISCO_ITEMS }))), /item-not-found/);
    await assert.rejects(juliet.iq(xml("iq", { type: "get", to: `%nowhere@${domain}` }, xml("query", { xmlns: DISCO_INFO }))), /item-not-found/);
  });
});
