/**
 * XEP-0050 ad-hoc commands on the component's domain: admins (config `admins`, by bare JID) add, list and remove
 * bridges from any XMPP client that offers ad-hoc commands (core/bridges.ts does the work), read the gateway's
 * status (core/gateway-status.ts), and delete and count native accounts (XEP-0133, service-admin-commands.ts); everyone keeps their own IRC services account for their puppets
 * (irc-account-commands.ts, core/puppet-accounts.ts) and choose their puppets' nicks (irc-nick-commands.ts,
 * core/puppet-nicks.ts), where the gateway offers that. Each command is one
 * stage: `execute` answers with a XEP-0004 form, and the submitted form (`complete`, or `execute` carrying it)
 * runs the command; the answer is the completed command with a note, and for bridge-list a result table. The
 * forms are stateless: any session id is accepted, since every submission carries all its fields.
 */
import { randomUUID } from "node:crypto";
import { xml, type Component } from "@xmpp/component";
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import type { Bridge } from "../../core/bridges.js";
import type { AdapterStatusView } from "../../core/gateway-status.js";
import { GatewayError, toGatewayError } from "../../core/errors.js";
import { formatAddress, parseAddress, type Address } from "../../core/model/address.js";
import type { XmppComponentConfig } from "../../config/config-types.js";
import { withoutResource, xmppUserAddress } from "./addressing.js";
import { required, type CommandSpec, type FieldSpec } from "./adhoc-command-spec.js";
import { IRC_ACCOUNT_COMMANDS, SET_ACCOUNT_NODE } from "./irc-account-commands.js";
import { IRC_NICK_COMMANDS } from "./irc-nick-commands.js";
import { MOTD_COMMANDS } from "./motd-commands.js";
import { IRC_SERVER_PASSWORD_COMMANDS, SET_SERVER_PASSWORD_NODE } from "./irc-server-password-commands.js";
import { serviceAdminCommands } from "./service-admin-commands.js";
import { discoItems, errorCondition } from "./stanzas.js";
import { stripInvalidXmlChars } from "./xml-safety.js";
import { isLoopbackHost } from "../../util/loopback.js";

export const NS_COMMANDS = "http://jabber.org/protocol/commands";
const NS_DATA = "jabber:x:data";

function bridgeLine(bridge: Bridge): string {
  return `${bridge.room} <-> ${formatAddress(bridge.remote)} (${bridge.source}${bridge.membership ? "" : ", no joins/leaves"}${bridge.key === "" ? "" : ", keyed"})`;
}

/** One network's line of the status note: "irc/libera: reconnecting since ... (attempt 2: why), puppets 3". */
function adapterLine(adapter: AdapterStatusView): string {
  const since = new Date(adapter.since).toISOString();
  const trouble = adapter.lastError === undefined ? "" : ` (attempt ${adapter.attempts}: ${adapter.lastError})`;
  const counts = Object.entries(adapter.stats).map(([name, count]) => `${name.replaceAll("_", " ")} ${count}`);
  return `${adapter.protocol}/${adapter.account}: ${adapter.status} since ${since}${trouble}${counts.length === 0 ? "" : `; ${counts.join(", ")}`}`;
}


/** A XEP-0004 boolean ("1"/"true", "0"/"false"); `fallback` when the field was left out. */
function formBoolean(value: string, fallback: boolean): boolean {
  if (value === "") return fallback;
  if (value === "1" || value === "true") return true;
  if (value === "0" || value === "false") return false;
  throw new GatewayError("GW_ERR_BAD_FRAME", `"${value}" is not a boolean (1, true, 0 or false)`);
}

const ADMIN_COMMANDS: readonly CommandSpec[] = [
  {
    node: "bridge-add",
    who: "admins",
    name: "Add a bridge",
    instructions: "Bridge an IRC channel (irc://<network>/#channel) or a bridge bot's MUC (xmpp://<bot>/<room@server>) to a native room.",
    fields: [
      { name: "room", label: "Native room", required: true },
      { name: "with", label: "Room of the other network", required: true },
      { name: "nick", label: "Bot's nick in the MUC (optional)", required: false },
      { name: "key", label: "Channel key or MUC password (optional)", required: false, type: "text-private" },
      { name: "membership", label: "Relay joins and leaves", required: false, type: "boolean", value: "1" },
    ],
    async run(admin, values, context) {
      const nick = required(values, "nick");
      const key = required(values, "key");
      const bridge = await context.bridges.add(admin, {
        room: required(values, "room"),
        remote: parseAddress(required(values, "with")),
        ...(nick === "" ? {} : { nick }),
        ...(key === "" ? {} : { key }),
        membership: formBoolean(required(values, "membership"), true),
      });
      return { note: `Bridged: ${bridgeLine(bridge)}` };
    },
  },
  {
    node: "bridge-remove",
    who: "admins",
    name: "Remove a bridge",
    instructions: "Remove a bridge added at runtime, by the room of the other network.",
    fields: [{ name: "with", label: "Room of the other network", required: true }],
    async run(admin, values, context) {
      const remote = parseAddress(required(values, "with"));
      await context.bridges.remove(admin, remote);
      return { note: `Removed the bridge of ${formatAddress(remote)}` };
    },
  },
  {
    node: "bridge-list",
    who: "admins",
    name: "List bridges",
    instructions: "",
    fields: [],
    async run(admin, _values, context) {
      const bridges = await context.bridges.list(admin);
      const columns = [
        ["room", "Native room"],
        ["with", "Bridged with"],
        ["source", "Source"],
        ["membership", "Joins and leaves"],
      ] as const;
      const table = xml("x", { xmlns: NS_DATA, type: "result" }, xml("title", {}, "Bridges"), xml("reported", {}, ...columns.map(([name, label]) => xml("field", { var: name, label }))));
      for (const bridge of bridges) {
        const row = { room: bridge.room, with: formatAddress(bridge.remote), source: bridge.source, membership: bridge.membership ? "relayed" : "not relayed" };
        table.append(xml("item", {}, ...columns.map(([name]) => xml("field", { var: name }, xml("value", {}, row[name])))));
      }
      return { note: bridges.length === 0 ? "No bridges." : bridges.map(bridgeLine).join("\n"), result: table };
    },
  },
  {
    node: "status",
    who: "admins",
    name: "Gateway status",
    instructions: "",
    fields: [],
    async run(admin, _values, context) {
      const report = await context.gatewayStatus(admin);
      const lines = [
        `Switchboard ${report.version}, up since ${new Date(report.startedAt).toISOString()}`,
        ...report.adapters.map(adapterLine),
        `Linked accounts: ${report.linkedAccounts.online} of ${report.linkedAccounts.total} online`,
        `Outbox: ${report.outbox.entries} messages waiting for ${report.outbox.recipients} recipients`,
      ];
      return { note: lines.join("\n") };
    },
  },
];

/** A form field's <value/> elements: one per line for a multi-valued field (text-multi, jid-multi), as XEP-0004 has them. */
function fieldValues(field: FieldSpec, value: string | undefined): Element[] {
  if (value === undefined) return [];
  const multi = field.type === "text-multi" || field.type === "jid-multi";
  return (multi ? value.split("\n") : [value]).map((line) => xml("value", {}, stripInvalidXmlChars(line)));
}

function form(command: CommandSpec, prefilled: ReadonlyMap<string, string>): Element {
  return xml(
    "x",
    { xmlns: NS_DATA, type: "form" },
    xml("title", {}, command.name),
    xml("instructions", {}, command.instructions),
    ...command.fields.map((field) =>
      xml(
        "field",
        { var: field.name, ...(field.label === "" ? {} : { label: field.label }), type: field.type ?? "text-single" },
        ...(field.required ? [xml("required")] : []),
        ...fieldValues(field, prefilled.get(field.name) ?? field.value),
        ...(field.options ?? []).map((option) => xml("option", { label: option.label }, xml("value", {}, option.value))),
      ),
    ),
  );
}

function submittedValues(data: Element): Map<string, string> {
  const values = new Map<string, string>();
  for (const field of data.getChildren("field")) {
    const name = field.attrs["var"];
    // A multi-valued field (jid-multi) has a <value/> per entry: given to the command one a line.
    if (typeof name === "string") values.set(name, field.getChildren("value").map((value) => value.getText()).join("\n"));
  }
  return values;
}

/** The answer to a command: the same node and session, a status, and what it carries. */
function commandReply(node: string, sessionId: string, status: "executing" | "completed" | "canceled", ...children: Element[]): Element {
  return xml("command", { xmlns: NS_COMMANDS, node, sessionid: sessionId, status }, ...children);
}

/** A command that failed: completed, with the error's code and message as an error note. */
function failed(node: string, sessionId: string, thrown: unknown): Element {
  const error = toGatewayError(thrown);
  // The message may repeat what the admin typed (an address): what XML cannot carry is left out.
  return commandReply(node, sessionId, "completed", xml("note", { type: "error" }, stripInvalidXmlChars(`${error.code}: ${error.message}`)));
}

export class AdhocCommands {
  /** XEP-0133's commands, on this domain's JIDs. */
  private readonly serviceAdmin: readonly CommandSpec[];

  constructor(
    private readonly config: XmppComponentConfig,
    private readonly context: AdapterContext,
  ) {
    this.serviceAdmin = [...serviceAdminCommands(config.domain), ...MOTD_COMMANDS];
  }

  /** Registers the command handler; disco#items for the commands node is answered through `items`. */
  register(connection: Component): void {
    connection.iqCallee.set(NS_COMMANDS, "command", ({ stanza, element }) => this.execute(stanza, element));
  }

  /** XEP-0050 section 3.2: the commands this requester may run (the admins' to admins only). */
  items(from: string): Element {
    const commands = this.commandsFor(this.requester(from));
    return discoItems(commands.map((command) => ({ jid: this.config.domain, node: command.node, name: command.name })), NS_COMMANDS);
  }

  private commandsFor(requester: Address): CommandSpec[] {
    const admin = this.context.bridges.isAdmin(requester);
    return this.offered().filter((command) => command.who === "everyone" || admin);
  }

  /**
   * Every command this gateway offers. Setting an IRC account or server password only where the gateway can seal it
   * and the component link to the XMPP server is loopback (XEP-0114 has no TLS: the password crosses that link in
   * clear); listing and removing wherever they exist, so that one kept earlier can always be removed.
   */
  private offered(): readonly CommandSpec[] {
    const { puppetAccounts: accounts, puppetServerPasswords: passwords } = this.context;
    const nicks = this.context.puppetNicks.offered() ? IRC_NICK_COMMANDS : [];
    const admin = [...ADMIN_COMMANDS, ...this.serviceAdmin];
    const loopback = isLoopbackHost(this.config.host);
    const passwordsSettable = passwords.settable() && loopback;
    const serverPasswords = passwords.offered() ? IRC_SERVER_PASSWORD_COMMANDS.filter((command) => passwordsSettable || command.node !== SET_SERVER_PASSWORD_NODE) : [];
    if (!accounts.offered()) return [...admin, ...nicks, ...serverPasswords];
    const settable = accounts.settable() && loopback;
    return [...admin, ...IRC_ACCOUNT_COMMANDS.filter((command) => settable || command.node !== SET_ACCOUNT_NODE), ...nicks, ...serverPasswords];
  }

  private requester(from: string): Address {
    return xmppUserAddress(withoutResource(from), this.context.account);
  }

  private async execute(stanza: Element, element: Element): Promise<Element> {
    if (stanza.attrs["to"] !== this.config.domain) return errorCondition("cancel", "item-not-found");
    const requester = this.requester(String(stanza.attrs["from"] ?? ""));
    const node = String(element.attrs["node"] ?? "");
    const command = this.offered().find((candidate) => candidate.node === node);
    if (!command) return errorCondition("cancel", "item-not-found", `no command ${node}`);
    if (command.who === "admins" && !this.context.bridges.isAdmin(requester)) return errorCondition("auth", "forbidden", "only the gateway's admins may run this command");
    const sessionId = typeof element.attrs["sessionid"] === "string" ? element.attrs["sessionid"] : randomUUID();
    const action = String(element.attrs["action"] ?? "execute");
    if (action === "cancel") return commandReply(node, sessionId, "canceled");
    const data = element.getChild("x", NS_DATA);
    const submitted = data?.attrs["type"] === "submit" ? data : undefined;
    if (!submitted && command.fields.length > 0) {
      try {
        const prefilled = (await command.prefill?.(requester, this.context)) ?? new Map<string, string>();
        return commandReply(node, sessionId, "executing", xml("actions", { execute: "complete" }, xml("complete")), form(command, prefilled));
      } catch (thrown: unknown) {
        return failed(node, sessionId, thrown);
      }
    }
    try {
      const { note, noteType, result } = await command.run(requester, submitted ? submittedValues(submitted) : new Map(), this.context);
      this.context.log.info({ command: node, by: formatAddress(requester) }, "ad-hoc command run");
      return commandReply(node, sessionId, "completed", xml("note", { type: noteType ?? "info" }, stripInvalidXmlChars(note)), ...(result ? [result] : []));
    } catch (thrown: unknown) {
      return failed(node, sessionId, thrown);
    }
  }
}
