/**
 * A line refused at once: the gateway may report its failure before its submit resolves (the outbox reports a
 * refusal as soon as the message's rows are written, which is also when the submit's answer comes, and the two
 * race). The IRC side must know who said the line by then: the sender is recorded when the message gets its id
 * (SubmitOptions.onAccepted), not when the submit resolves. Here the gateway's submit (shaped like the core's:
 * onOrdered, onAccepted, then the report of a network that refused at once, then never an answer) drives the
 * real inbound side, line senders, USERHOST lookup and failure notices over a fake connection.
 */
import assert from "node:assert/strict";
import type { AdapterContext, SubmitOptions } from "../../../src/core/adapter.js";
import { parseConfig } from "../../../src/config/load-config.js";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import type { Address } from "../../../src/core/model/address.js";
import type { Message, MessageDraft } from "../../../src/core/model/message.js";
import { AccountWatch } from "../../../src/adapters/irc/account-watch.js";
import { FailureNotices } from "../../../src/adapters/irc/failure-notices.js";
import { ircAddress } from "../../../src/adapters/irc/irc-addresses.js";
import { IrcInbound, type InboundHooks } from "../../../src/adapters/irc/irc-inbound.js";
import type { PuppetPool } from "../../../src/adapters/irc/puppet-pool.js";
import type { Puppet } from "../../../src/adapters/irc/puppet.js";
import { FakeIrcConnection, flush } from "./fake-irc-connection.js";

const CONFIG = `
irc:
  networks:
    - name: src
      host: 127.0.0.1
      port: 6667
      nick: srcgate
      channels:
        - channel: "#src"
          room: rep
`;

describe("IRC failure reports of lines refused at once", function () {
  const refusal = new GatewayError("GW_ERR_FORBIDDEN", "refused at once");
  let main: FakeIrcConnection;
  let puppet: Puppet;
  let inbound: IrcInbound;
  let reports: Promise<void>[];

  beforeEach(function () {
    const config = parseConfig(CONFIG, "test", {}).irc.networks[0];
    assert.ok(config);
    main = new FakeIrcConnection("srcgate");
    puppet = { person: ircAddress("dst", "bob"), connection: new FakeIrcConnection("bob[s]").asConnection, channels: new Set(), lastUsed: 0 };
    reports = [];
    const log = createLogger("silent");
    const accounts = new AccountWatch(() => undefined);
    let nextId = 0;
    const context = {
      account: "src",
      log,
      // The core's order: the id, then deliveries, whose refusal at once is reported before the submit's answer.
      submit: (draft: MessageDraft, options?: SubmitOptions): Promise<Message> => {
        nextId += 1;
        const message: Message = { ...draft, id: `m${nextId}`, timestamp: 1, hops: draft.hops ?? [] };
        options?.onOrdered?.();
        options?.onAccepted?.(message);
        const recipient: Address = draft.scope === "room" ? ircAddress("dst", "#dst") : draft.to;
        reports.push(notices.reportFailure(message, recipient, refusal));
        return new Promise<Message>(() => undefined);
      },
    } as unknown as AdapterContext;
    const hooks = {
      isOwnNick: (nick: string) => nick.toLowerCase() === "srcgate" || nick.toLowerCase() === "bob[s]",
      channel: (name: string) => config.channels.find((channel) => channel.channel.toLowerCase() === name.toLowerCase()),
      channels: () => config.channels,
      watch: {},
      accounts,
      failure: () => undefined,
      mainNick: () => "srcgate",
    } as unknown as InboundHooks;
    inbound = new IrcInbound(config, context, hooks);
    inbound.attachMain(main.asConnection);
    inbound.attachPuppet(puppet);
    const puppets = { of: (person: Address) => (person.id === "bob" ? puppet : undefined) } as unknown as PuppetPool;
    const notices = new FailureNotices({ context, inbound, accounts, puppets, requireMain: () => main.asConnection });
    notices.attach(main.asConnection);
  });

  /** The server says Ann (ann@127.0.0.1) still holds her nick, and the report is made. */
  async function annStillThere(): Promise<void> {
    await flush(); // the line's submit starts in its turn (ordered-submit.ts)
    assert.equal(reports.length, 1, "the line was submitted, and refused at once");
    assert.deepEqual(
      main.lines.filter((line) => line.startsWith("USERHOST")),
      ["USERHOST ann"],
      "the sender was known when the failure was reported: who holds her nick is asked",
    );
    main.emit("userhost", { entries: [{ nick: "ann", user: "ann", host: "127.0.0.1" }] });
    await Promise.all(reports);
  }

  it("tells the sender of a channel line refused at once", async function () {
    main.emit("message", { kind: "privmsg", from: { nick: "ann", user: "ann", host: "127.0.0.1", server: false }, target: "#src", text: "hello", tags: {} });
    await annStillThere();
    assert.deepEqual(
      main.lines.filter((line) => line.startsWith("NOTICE")),
      ["NOTICE ann Your message was not delivered to irc://dst/%23dst: refused at once (GW_ERR_FORBIDDEN)"],
    );
  });

  it("tells the sender of a query to a puppet refused at once, from the puppet", async function () {
    const connection = puppet.connection as unknown as FakeIrcConnection;
    connection.emit("message", { kind: "privmsg", from: { nick: "ann", user: "ann", host: "127.0.0.1", server: false }, target: "bob[s]", text: "psst", tags: {} });
    await annStillThere();
    assert.deepEqual(connection.lines, ["NOTICE ann Your message was not delivered to irc://dst/bob: refused at once (GW_ERR_FORBIDDEN)"]);
  });
});
