import assert from "node:assert/strict";
import type { Element } from "ltx";
import type { Logger } from "../../../src/core/logger.js";
import { askedBackRecord, GatewayContact, MAX_SUBSCRIBERS, MAX_SUBSCRIBERS_PER_SERVER, type StartChores } from "../../../src/adapters/xmpp/gateway-contact.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";

const DOMAIN = "gw.example.org";
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;

describe("the gateway's domain as a roster contact", () => {
  let store: Store;
  let written: Element[];
  let contact: GatewayContact;

  beforeEach(() => {
    store = openSqliteStore(":memory:");
    written = [];
    const writer = { one: async (element: Element) => void written.push(element), all: async (elements: readonly Element[]) => void written.push(...elements) };
    contact = new GatewayContact(DOMAIN, store.gatewaySubscribers, writer, quiet);
  });

  afterEach(async () => store.close());

  /** A contact that reports who is online to be told announcements. */
  function withAudience(linked: (jid: string) => boolean = () => false): string[] {
    const heard: string[] = [];
    const audience = { available: (jid: string, resource: string) => void heard.push(`available ${jid}/${resource}`), unavailable: (jid: string, resource?: string) => void heard.push(`unavailable ${jid}/${resource ?? "*"}`) };
    const writer = { one: async (element: Element) => void written.push(element), all: async (elements: readonly Element[]) => void written.push(...elements) };
    contact = new GatewayContact(DOMAIN, store.gatewaySubscribers, writer, quiet, audience, linked);
    return heard;
  }

  const shown = (): string[] => written.splice(0).map((stanza) => `${String(stanza.attrs["type"] ?? "available")} ${String(stanza.attrs["to"])}`);

  it("approves a subscription, keeps the subscriber by bare JID in lower case, and answers its probes", async () => {
    await contact.presence("subscribe", "Juliet@Example.org/phone");
    assert.deepEqual(shown(), ["subscribed juliet@example.org", "available juliet@example.org", "subscribe juliet@example.org"], "her presence asked in return");
    assert.deepEqual(await store.gatewaySubscribers.list(DOMAIN), ["juliet@example.org"]);
    await contact.presence("probe", "juliet@example.org");
    assert.deepEqual(shown(), ["available juliet@example.org"]);
  });

  it("answers the probe of someone who is no subscriber with unsubscribed (RFC 6121 4.3.2), and ignores their own presence", async () => {
    await contact.presence("probe", "romeo@example.org/laptop");
    assert.deepEqual(shown(), ["unsubscribed romeo@example.org"]);
    await contact.presence("available", "romeo@example.org/laptop");
    await contact.presence("subscribed", "romeo@example.org");
    await contact.presence("unsubscribed", "romeo@example.org");
    assert.deepEqual(shown(), []);
  });

  it("forgets an unsubscribing subscriber and tells it the domain is unavailable to it", async () => {
    await contact.presence("subscribe", "juliet@example.org");
    shown();
    await contact.presence("unsubscribe", "juliet@example.org/phone");
    assert.deepEqual(shown(), ["unavailable juliet@example.org"]);
    assert.deepEqual(await store.gatewaySubscribers.list(DOMAIN), []);
  });

  it("tells every subscriber when it comes online, probing each, and when it goes", async () => {
    await contact.presence("subscribe", "juliet@example.org");
    await contact.presence("subscribe", "nurse@other.org");
    shown();
    await contact.online();
    assert.deepEqual(shown(), ["available juliet@example.org", "probe juliet@example.org", "available nurse@other.org", "probe nurse@other.org"]);
    await contact.offline();
    assert.deepEqual(shown(), ["unavailable juliet@example.org", "unavailable nurse@other.org"]);
  });

  it("keeps at most MAX_SUBSCRIBERS_PER_SERVER JIDs of one server, refusing more (a server can mint JIDs)", async () => {
    for (let n = 0; n < MAX_SUBSCRIBERS_PER_SERVER; n++) await store.gatewaySubscribers.add(DOMAIN, `u${n}@mint.example`, "mint.example", n);
    await contact.presence("subscribe", "one-more@mint.example");
    assert.deepEqual(shown(), ["unsubscribed one-more@mint.example"]);
    await contact.presence("subscribe", "u1@mint.example");
    assert.deepEqual(shown(), ["subscribed u1@mint.example", "available u1@mint.example", "subscribe u1@mint.example"], "one kept already is approved again");
    await contact.presence("subscribe", "juliet@example.org");
    assert.deepEqual(shown(), ["subscribed juliet@example.org", "available juliet@example.org", "subscribe juliet@example.org"], "another server's are not counted");
  });

  it("keeps at most MAX_SUBSCRIBERS in all, however many servers they come from (domains are cheap)", async () => {
    for (let n = 0; n < MAX_SUBSCRIBERS; n++) await store.gatewaySubscribers.add(DOMAIN, `u@s${n}.example`, `s${n}.example`, n);
    await contact.presence("subscribe", "juliet@example.org");
    assert.deepEqual(shown(), ["unsubscribed juliet@example.org"]);
    await contact.presence("subscribe", "u@s1.example");
    assert.deepEqual(shown(), ["subscribed u@s1.example", "available u@s1.example", "subscribe u@s1.example"], "one kept already is approved again");
  });

  it("counts the sessions of subscribers and linked JIDs as online to be told, never those of anyone else", async () => {
    const heard = withAudience((jid) => jid === "linked@example.org");
    await contact.presence("available", "romeo@example.org/laptop");
    assert.deepEqual(heard.splice(0), [], "a JID that merely sends presence is told nothing");
    await contact.presence("subscribe", "Juliet@Example.org");
    await contact.presence("available", "Juliet@Example.org/Phone");
    await contact.presence("available", "linked@example.org/desk");
    await contact.presence("unavailable", "juliet@example.org/Phone");
    await contact.presence("unsubscribe", "linked@example.org");
    assert.deepEqual(heard, ["available juliet@example.org/Phone", "available linked@example.org/desk", "unavailable juliet@example.org/Phone", "unavailable linked@example.org/*"]);
  });

  /** A contact whose start chores are the test's, written through `all` as the component's corked batches. */
  function withChores(chores: StartChores): string[][] {
    const batches: string[][] = [];
    const writer = { one: async (element: Element) => void written.push(element), all: async (elements: readonly Element[]) => void batches.push(elements.map((stanza) => `${String(stanza.attrs["type"] ?? "available")} ${String(stanza.attrs["to"])}`)) };
    contact = new GatewayContact(DOMAIN, store.gatewaySubscribers, writer, quiet, undefined, undefined, chores);
    return batches;
  }

  /** A pause that lasts until the test ends it: `next()` lets the next batch go. */
  function heldPause(): { pause: () => Promise<void>; next: () => void; waiting: () => number } {
    const held: Array<() => void> = [];
    return { pause: () => new Promise<void>((resolve) => void held.push(resolve)), next: () => held.shift()?.(), waiting: () => held.length };
  }

  const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it("probes its subscribers at a start in paced batches, not in one burst, and stops when the domain goes offline", async () => {
    for (const name of ["a", "b", "c", "d", "e"]) await store.gatewaySubscribers.add(DOMAIN, `${name}@example.org`, "example.org", 0);
    const clock = heldPause();
    const batches = withChores({ pacing: { pause: clock.pause, batch: 4 } });
    const started = contact.online();
    await settle();
    assert.deepEqual(batches, [["available a@example.org", "probe a@example.org", "available b@example.org", "probe b@example.org"]], "one batch, then a pause");
    assert.equal(clock.waiting(), 1);
    clock.next();
    await settle();
    assert.equal(batches.length, 2);
    await contact.offline();
    clock.next();
    await started;
    assert.deepEqual(batches.slice(1), [["available c@example.org", "probe c@example.org", "available d@example.org", "probe d@example.org"], ["unavailable a@example.org", "unavailable b@example.org", "unavailable c@example.org", "unavailable d@example.org", "unavailable e@example.org"]], "e is not probed once the domain went offline");
  });

  it("asks every subscriber for her presence once, at the first start, and records it so later starts do not", async () => {
    await store.gatewaySubscribers.add(DOMAIN, "old@example.org", "example.org", 0);
    const batches = withChores({ askedBack: askedBackRecord(store.gatewaySettings, DOMAIN) });
    await contact.online();
    assert.deepEqual(batches.splice(0), [["available old@example.org", "probe old@example.org"], ["subscribe old@example.org"]]);
    const again = withChores({ askedBack: askedBackRecord(store.gatewaySettings, DOMAIN) });
    await contact.online();
    assert.deepEqual(again, [["available old@example.org", "probe old@example.org"]], "asked once only, across restarts (the store records it)");
  });
});
