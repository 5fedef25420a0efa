import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import type { AdapterContext } from "../../../src/core/adapter.js";
import type { Message } from "../../../src/core/model/message.js";
import { FailureNotices, type FailureNoticesParts } from "../../../src/adapters/irc/failure-notices.js";
import { ircAddress, nativeRoom } from "../../../src/adapters/irc/irc-addresses.js";
import { LineSenders } from "../../../src/adapters/irc/line-senders.js";
import { UserhostLookup } from "../../../src/adapters/irc/userhost-lookup.js";
import { FakeIrcConnection } from "./fake-irc-connection.js";

const userhosts = (connection: FakeIrcConnection): string[] => connection.lines.filter((line) => line.startsWith("USERHOST "));

describe("IRC USERHOST lookups (failure reports)", function () {
  it("refuses a lookup past the bound at once, sending nothing, and takes lookups again as replies come", async function () {
    const connection = new FakeIrcConnection("sbgate");
    const lookup = new UserhostLookup(60_000, 2);
    lookup.attach(connection.asConnection);
    const ann = lookup.lookup("ann");
    const bea = lookup.lookup("bea");
    await assert.rejects(lookup.lookup("cid"), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_RATE_LIMITED" && !error.retryable);
    assert.deepEqual(userhosts(connection), ["USERHOST ann", "USERHOST bea"], "no USERHOST for the refused lookup");

    connection.emit("userhost", { entries: [{ nick: "Ann", user: "~ann", host: "a.example" }] });
    assert.deepEqual(await ann, { nick: "Ann", user: "~ann", host: "a.example" });
    const dee = lookup.lookup("dee");
    assert.deepEqual(userhosts(connection), ["USERHOST ann", "USERHOST bea", "USERHOST dee"], "a reply frees a place");
    connection.emit("userhost", { entries: [] });
    connection.emit("userhost", { entries: [{ nick: "dee", user: "dee", host: "d.example" }] });
    assert.equal(await bea, undefined);
    assert.equal((await dee)?.user, "dee");
    assert.equal(lookup.pending, 0);
  });

  it("counts a lookup that timed out until its late reply comes, so a server that never answers fills the bound", async function () {
    const connection = new FakeIrcConnection("sbgate");
    const lookup = new UserhostLookup(1, 1);
    lookup.attach(connection.asConnection);
    await assert.rejects(lookup.lookup("ann"), { code: "GW_ERR_UNAVAILABLE" });
    await assert.rejects(lookup.lookup("bea"), { code: "GW_ERR_RATE_LIMITED" });
    // The late reply is ann's, not taken for anyone else's; then the next lookup goes out.
    connection.emit("userhost", { entries: [{ nick: "ann", user: "ann", host: "a.example" }] });
    assert.equal(lookup.pending, 0);
    const cid = lookup.lookup("cid");
    connection.emit("userhost", { entries: [{ nick: "cid", user: "cid", host: "c.example" }] });
    assert.equal((await cid)?.host, "c.example");
    assert.deepEqual(userhosts(connection), ["USERHOST ann", "USERHOST cid"]);
  });

  it("drops a failure report past the bound, logging its id and code, never its text", async function () {
    const main = new FakeIrcConnection("sbgate");
    const logged: Record<string, unknown>[] = [];
    const log = createLogger(
      "info",
      new Writable({
        write(chunk: Buffer, _encoding, done): void {
          logged.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    );
    const senders = new LineSenders();
    const parts = {
      context: { account: "src", log } as unknown as AdapterContext,
      inbound: { senders },
      accounts: { lookup: () => Promise.resolve(undefined) },
      puppets: { of: () => undefined },
      requireMain: () => main.asConnection,
    } as unknown as FailureNoticesParts;
    const notices = new FailureNotices(parts, new UserhostLookup(60_000, 1));
    notices.attach(main.asConnection);
    const said = (id: string, nick: string): Message => {
      const person = senders.said({ nick, user: nick, host: "127.0.0.1", server: false });
      assert.ok(person);
      senders.accepted(id, person);
      return { id, origin: { protocol: "irc", account: "src" }, hops: [], scope: "room", kind: "text", from: ircAddress("src", nick), to: nativeRoom("rep"), senderName: nick, body: `secret of ${nick}`, timestamp: 1 };
    };
    const refusal = new GatewayError("GW_ERR_FORBIDDEN", "moderated");
    const first = notices.reportFailure(said("m1", "ann"), ircAddress("dst", "#dst"), refusal);
    await notices.reportFailure(said("m2", "bea"), ircAddress("dst", "#dst"), refusal);
    const dropped = logged.find((entry) => String(entry["msg"]).includes("too many USERHOST lookups"));
    assert.ok(dropped, "the dropped report is logged");
    assert.deepEqual([dropped["id"], dropped["code"], dropped["network"]], ["m2", "GW_ERR_FORBIDDEN", "src"]);
    assert.ok(!JSON.stringify(logged).includes("secret of"), "the text is never logged");
    assert.deepEqual(userhosts(main), ["USERHOST ann"]);

    main.emit("userhost", { entries: [{ nick: "ann", user: "ann", host: "127.0.0.1" }] });
    await first;
    assert.deepEqual(
      main.lines.filter((line) => line.startsWith("NOTICE ")),
      ["NOTICE ann Your message was not delivered to irc://dst/%23dst: moderated (GW_ERR_FORBIDDEN)"],
      "the report within the bound is made",
    );
  });
});
