/** core/presence-hub.ts: one address's presences reach each watcher in the order they were recorded. */
import assert from "node:assert/strict";
import type { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import { createLogger } from "../../../src/core/logger.js";
import { makeAddress } from "../../../src/core/model/address.js";
import type { Contact } from "../../../src/core/model/contact.js";
import type { Presence } from "../../../src/core/model/presence.js";
import { PresenceHub } from "../../../src/core/presence-hub.js";
import type { ContactStore } from "../../../src/store/store.js";

const alice = makeAddress("native", "default", "alice");
const juliet = makeAddress("xmpp", "default", "juliet@example.org");

describe("PresenceHub", () => {
  it("re-sends what is current in its turn, never an older presence after a later one (the re-send's audience read the slowest)", async () => {
    let release = (): void => undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    let reads = 0;
    const watcher: Contact = { owner: alice, address: juliet, name: "juliet", subscription: "both", pendingOut: false, pendingIn: false };
    const contacts = {
      listByAddress: async (): Promise<Contact[]> => {
        reads += 1;
        if (reads === 2) await slow; // the first read after the first presence's: the re-send's, were it not in turn
        return [watcher];
      },
      list: async (): Promise<Contact[]> => [],
    } as unknown as ContactStore;
    const shown: string[] = [];
    const registry = { for: () => ({ sendPresence: async (presence: Presence) => void shown.push(presence.show) }) } as unknown as AdapterRegistry;
    const hub = new PresenceHub(contacts, registry, createLogger("silent"));
    await hub.update({ from: juliet, show: "chat", status: "", priority: 0, since: 1 });
    const resent = hub.resend(juliet); // her avatar's new hash, heard alone
    const gone = hub.update({ from: juliet, show: "offline", status: "", priority: 0, since: 2 });
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await Promise.all([resent, gone]);
    // Her re-send's turn came after she went offline: nothing to re-send (the offline presence carries what changed).
    assert.deepEqual(shown, ["chat", "offline"], "she ends offline");
  });

  it("sends a presence the same but for what it carries besides only when told so", async () => {
    const watcher: Contact = { owner: alice, address: juliet, name: "juliet", subscription: "both", pendingOut: false, pendingIn: false };
    const contacts = { listByAddress: async (): Promise<Contact[]> => [watcher], list: async (): Promise<Contact[]> => [] } as unknown as ContactStore;
    const shown: string[] = [];
    const registry = { for: () => ({ sendPresence: async (presence: Presence) => void shown.push(presence.show) }) } as unknown as AdapterRegistry;
    const hub = new PresenceHub(contacts, registry, createLogger("silent"));
    assert.equal(await hub.update({ from: juliet, show: "away", status: "", priority: 0, since: 1 }), true);
    assert.equal(await hub.update({ from: juliet, show: "away", status: "", priority: 0, since: 2 }), false);
    assert.equal(await hub.update({ from: juliet, show: "away", status: "", priority: 0, since: 3 }, true), false, "not a change of her presence");
    assert.deepEqual(shown, ["away", "away"]);
  });
});
