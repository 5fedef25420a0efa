/** vcards.ts: the component's answers to vCard gets and sets, the core's refusals as stanza errors. */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Component, IqContext, IqReply } from "@xmpp/component";
import type { Element } from "ltx";
import type { AdapterContext } from "../../../src/core/adapter.js";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import type { Address } from "../../../src/core/model/address.js";
import type { ContactInfo } from "../../../src/core/model/contact-info.js";
import { registerVcards } from "../../../src/adapters/xmpp/vcards.js";

const DOMAIN = "gw.example.org";
type IqHandler = (context: IqContext) => IqReply | Promise<IqReply>;

function component(answer: (asker: Address, subject: Address) => Promise<ContactInfo>) {
  const handlers = new Map<string, IqHandler>();
  const connection = {
    iqCallee: {
      get: (ns: string, name: string, handler: IqHandler) => handlers.set(`get ${ns} ${name}`, handler),
      set: (ns: string, name: string, handler: IqHandler) => handlers.set(`set ${ns} ${name}`, handler),
    },
  } as unknown as Component;
  const asked: [Address, Address][] = [];
  const context = {
    account: "default",
    log: createLogger("silent"),
    contactInfo: (asker: Address, subject: Address) => (asked.push([asker, subject]), answer(asker, subject)),
  } as unknown as AdapterContext;
  registerVcards(connection, DOMAIN, "Switchboard", context);
  const iq = async (type: "get" | "set", to: string): Promise<Element> => {
    const stanza = xml("iq", { type, to, from: "juliet@example.org/phone", id: "v1" }, xml("vCard", { xmlns: "vcard-temp" }));
    const handler = handlers.get(`${type} vcard-temp vCard`);
    assert.ok(handler);
    const reply = await handler({ stanza, element: stanza.getChild("vCard") as Element, from: { toString: () => "" }, to: { toString: () => to } });
    assert.ok(reply !== undefined && reply !== true);
    return reply;
  };
  return { iq, asked };
}

function conditionOf(error: Element): [string | undefined, string | undefined] {
  assert.equal(error.name, "error", error.toString());
  return [error.attrs["type"] as string | undefined, error.children.find((child): child is Element => typeof child !== "string" && child.name !== "text")?.name];
}

describe("the component's vCards (XEP-0054)", () => {
  it("asks the core for the person behind the JID, as the asker's bare JID", async () => {
    const { iq, asked } = component(async () => ({ nick: "bob", fullName: "Bob Builder", away: "lunch" }));
    const vcard = await iq("get", `bob%libera@${DOMAIN}`);
    assert.equal(vcard.getChildText("FN"), "Bob Builder");
    assert.deepEqual(asked, [[{ protocol: "xmpp", account: "default", id: "juliet@example.org" }, { protocol: "irc", account: "libera", id: "bob" }]]);
  });

  it("maps the core's refusals to stanza errors: no such nick, the network down or silent, too many lookups", async () => {
    for (const [error, expected] of [
      [new GatewayError("GW_ERR_NOT_FOUND", "nobody"), ["cancel", "item-not-found"]],
      [new GatewayError("GW_ERR_UNAVAILABLE", "IRC network libera is not connected", { retryable: true }), ["wait", "recipient-unavailable"]],
      [new GatewayError("GW_ERR_UNAVAILABLE", "no answer", { condition: "timeout" }), ["wait", "recipient-unavailable"]],
      [new GatewayError("GW_ERR_RATE_LIMITED", "slow down"), ["wait", "resource-constraint"]],
      [new GatewayError("GW_ERR_NO_ROUTE", "no such network"), ["cancel", "item-not-found"]],
    ] as const) {
      const { iq } = component(() => Promise.reject(error));
      assert.deepEqual(conditionOf(await iq("get", `bob%libera@${DOMAIN}`)), expected, error.message);
    }
  });

  it("answers rooms and occupants with service-unavailable, and every set with not-allowed, asking the core nothing", async () => {
    const { iq, asked } = component(async () => ({}));
    assert.deepEqual(conditionOf(await iq("get", `#lobby@${DOMAIN}`)), ["cancel", "service-unavailable"]);
    assert.deepEqual(conditionOf(await iq("get", `#lobby@${DOMAIN}/bob`)), ["cancel", "service-unavailable"]);
    assert.deepEqual(conditionOf(await iq("set", `alice@${DOMAIN}`)), ["cancel", "not-allowed"]);
    assert.deepEqual(conditionOf(await iq("set", DOMAIN)), ["cancel", "not-allowed"]);
    assert.deepEqual(asked, []);
  });

  it("gives a malformed JID of the domain jid-malformed", async () => {
    const { iq } = component(async () => ({}));
    assert.deepEqual(conditionOf(await iq("get", `bob%@${DOMAIN}`)), ["modify", "jid-malformed"]);
  });
});
