/**
 * XEP-0133 (Service Administration) commands of the component's domain, for the gateway's admins: delete, disable and
 * re-enable native accounts by their gateway JIDs (sections 4.2, 4.5 and 4.6, `accountjids`), count the accounts (Get Number of Registered Users) and
 * the users online now (Get Number of Online Users), and list the accounts' JIDs, all or the disabled ones (Get List of
 * Registered Users, Get List of Disabled Users: by name, at most ACCOUNT_PAGE_MAX, or the `max_items` their form asks). Each follows the rules of its native frame (admin.user.delete,
 * admin.user.disable, admin.user.enable; through AdapterContext.userAdmin): never an admin's account; a JID that names
 * nobody is reported, and the others are done. Send Announcement to Online Users (section 4.23): what native
 * admin.announce does, for every native user online now.
 */
import { xml } from "@xmpp/component";
import type { Element } from "ltx";
import { ACCOUNT_PAGE_MAX } from "../../core/account-listing.js";
import type { AdapterContext } from "../../core/adapter.js";
import { describeReach } from "../../core/announcements.js";
import { GatewayError, toGatewayError } from "../../core/errors.js";
import type { Address } from "../../core/model/address.js";
import { jidToAddress, withoutResource } from "./addressing.js";
import { required, type CommandSpec } from "./adhoc-command-spec.js";

export const NS_ADMIN = "http://jabber.org/protocol/admin";
/** JIDs one delete-user, disable-user or reenable-user command takes: each is a run of store writes and network traffic. */
export const MAX_ACCOUNTS_AT_ONCE = 100;

const FORM_TYPE = { name: "FORM_TYPE", label: "", required: false, type: "hidden", value: NS_ADMIN } as const;

/** The XEP-0004 result form of a count: FORM_TYPE and one field. */
function countResult(name: string, label: string, count: number): Element {
  return xml(
    "x",
    { xmlns: "jabber:x:data", type: "result" },
    xml("field", { var: "FORM_TYPE", type: "hidden" }, xml("value", {}, NS_ADMIN)),
    xml("field", { var: name, label }, xml("value", {}, String(count))),
  );
}

/**
 * XEP-0133's `max_items` field of a list command (section 4.18: a list-single with these options), asked for before
 * the list is given. A client that submits it at once with its execute gets the list at once.
 */
const MAX_ITEMS_FIELD = {
  name: "max_items",
  label: "Maximum number of items to show",
  required: false,
  type: "list-single",
  options: [...["25", "50", "75", "100", "150", "200"].map((value) => ({ label: value, value })), { label: "None", value: "none" }],
} as const;

/** XEP-0133's `max_items` of a list command: a number caps the list (at ACCOUNT_PAGE_MAX, as "none" and no value do). */
export function maxItems(value: string): number {
  const wanted = /^[0-9]+$/.test(value) ? Number(value) : ACCOUNT_PAGE_MAX;
  return Math.max(1, Math.min(wanted, ACCOUNT_PAGE_MAX));
}

/** A list command's answer: the gateway JIDs of a page of accounts in a jid-multi field, and a note that says when more exist. */
async function listedAccountJids(
  admin: Address,
  values: ReadonlyMap<string, string>,
  context: AdapterContext,
  domain: string,
  list: { readonly field: string; readonly label: string; readonly what: string; readonly disabledOnly: boolean },
): Promise<{ note: string; result: Element }> {
  const limit = maxItems(required(values, "max_items"));
  const { accounts, truncated } = await context.userAdmin.list(admin, { limit, disabledOnly: list.disabledOnly });
  const result = xml(
    "x",
    { xmlns: "jabber:x:data", type: "result" },
    xml("field", { var: "FORM_TYPE", type: "hidden" }, xml("value", {}, NS_ADMIN)),
    xml("field", { var: list.field, type: "jid-multi", label: list.label }, ...accounts.map((account) => xml("value", {}, `${account.name}@${domain}`))),
  );
  const note = truncated ? `The first ${accounts.length} ${list.what} by name; there are more` : `${accounts.length} ${list.what}`;
  return { note, result };
}

/**
 * The native user name a gateway JID names (alice@<domain>, a resource ignored); GW_ERR_BAD_ADDRESS for a JID of
 * another domain, of someone of another network (bob%libera@<domain>) or of a room. Pure.
 */
export function userNameOfJid(jid: string, domain: string): string {
  let address;
  try {
    address = jidToAddress(withoutResource(jid), domain);
  } catch (error: unknown) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `${jid} is not a user of this gateway: ${toGatewayError(error).message}`);
  }
  if (address.protocol !== "native" || address.id.startsWith("#")) throw new GatewayError("GW_ERR_BAD_ADDRESS", `${jid} is not a user of this gateway`);
  return address.id;
}

/** The JIDs of a jid-multi field (adhoc-commands.ts gives its values one a line), without blanks and repeats. */
export function listedJids(text: string): string[] {
  return [...new Set(text.split("\n").map((line) => line.trim()).filter((line) => line !== ""))];
}

/** What one command did to each account it names: the note tells which were done and why the others were not. */
async function eachAccount(
  jids: readonly string[],
  done: string,
  notDone: string,
  act: (jid: string) => Promise<void>,
  stillAdmin: () => boolean,
): Promise<{ note: string; noteType?: "warn" | "error" }> {
  if (jids.length === 0) throw new GatewayError("GW_ERR_BAD_FRAME", "give the JID of at least one account");
  if (jids.length > MAX_ACCOUNTS_AT_ONCE) throw new GatewayError("GW_ERR_BAD_FRAME", `at most ${MAX_ACCOUNTS_AT_ONCE} accounts at once`);
  const acted: string[] = [];
  const refused: string[] = [];
  for (const jid of jids) {
    try {
      await act(jid);
      acted.push(jid);
    } catch (thrown: unknown) {
      const error = toGatewayError(thrown);
      // Not an admin any more (a reload between two accounts): nothing after it is tried.
      if (error.code === "GW_ERR_FORBIDDEN" && !stillAdmin()) throw error;
      refused.push(`${jid}: ${error.code}: ${error.message}`);
    }
  }
  const lines = [...(acted.length === 0 ? [] : [`${done}: ${acted.join(", ")}`]), ...(refused.length === 0 ? [] : [`${notDone}:`, ...refused])];
  return { note: lines.join("\n"), ...(refused.length === 0 ? {} : { noteType: acted.length === 0 ? "error" : "warn" }) };
}

export function serviceAdminCommands(domain: string): readonly CommandSpec[] {
  const accountJids = (label: string) => [FORM_TYPE, { name: "accountjids", label, required: true, type: "jid-multi" }] as const;
  return [
    {
      node: `${NS_ADMIN}#delete-user`,
      who: "admins",
      name: "Delete a user",
      instructions: `The gateway JIDs of the accounts to delete (alice@${domain} for the user alice): everything of theirs goes, their sessions are closed, and their names are free again. An admin's account is never deleted.`,
      fields: accountJids("The Jabber ID(s) to delete"),
      run: (admin, values, context) =>
        eachAccount(listedJids(required(values, "accountjids")), "Deleted", "Not deleted", (jid) => context.userAdmin.delete(admin, userNameOfJid(jid, domain)), () => context.bridges.isAdmin(admin)),
    },
    {
      // XEP-0133 section 4.5: the account stays, kept out (core/account-suspension.ts).
      node: `${NS_ADMIN}#disable-user`,
      who: "admins",
      name: "Disable a user",
      instructions: `The gateway JIDs of the accounts to disable (alice@${domain} for the user alice): their sessions are closed and they cannot log in until re-enabled; everything of theirs is kept. An admin's account is never disabled.`,
      // A reason beside XEP-0133's field (XEP-0004 lets a form carry more): the operators' note, as admin.user.disable's.
      fields: [...accountJids("The Jabber ID(s) to disable"), { name: "reason", label: "Why (kept for the operators; the user is not told)", required: false, type: "text-single" }],
      run: (admin, values, context) => {
        const reason = required(values, "reason");
        return eachAccount(listedJids(required(values, "accountjids")), "Disabled", "Not disabled", (jid) => context.userAdmin.disable(admin, userNameOfJid(jid, domain), reason), () => context.bridges.isAdmin(admin));
      },
    },
    {
      // XEP-0133 section 4.6.
      node: `${NS_ADMIN}#reenable-user`,
      who: "admins",
      name: "Re-enable a user",
      instructions: `The gateway JIDs of the disabled accounts that may log in again (alice@${domain} for the user alice).`,
      fields: accountJids("The Jabber ID(s) to re-enable"),
      run: (admin, values, context) =>
        eachAccount(listedJids(required(values, "accountjids")), "Re-enabled", "Not re-enabled", (jid) => context.userAdmin.enable(admin, userNameOfJid(jid, domain)), () => context.bridges.isAdmin(admin)),
    },
    {
      node: `${NS_ADMIN}#get-registered-users-num`,
      who: "admins",
      name: "Get number of registered users",
      instructions: "",
      fields: [],
      async run(admin, _values, context) {
        const { registered } = await context.userAdmin.counts(admin);
        return { note: `${registered} registered users`, result: countResult("registeredusersnum", "The number of registered users", registered) };
      },
    },
    {
      node: `${NS_ADMIN}#get-online-users-num`,
      who: "admins",
      name: "Get number of online users",
      instructions: "",
      fields: [],
      async run(admin, _values, context) {
        const { online } = await context.userAdmin.counts(admin);
        return { note: `${online} users online`, result: countResult("onlineusersnum", "The number of online users", online) };
      },
    },
    {
      // XEP-0133 section 4.18: a form with max_items first, then the list.
      node: `${NS_ADMIN}#get-registered-users-list`,
      who: "admins",
      name: "Get list of registered users",
      instructions: "How many accounts to list at most, by name (None: as many as one answer holds, 1000).",
      fields: [FORM_TYPE, MAX_ITEMS_FIELD],
      run: (admin, values, context) =>
        listedAccountJids(admin, values, context, domain, { field: "registereduserjids", label: "The list of all users", what: "registered users", disabledOnly: false }),
    },
    {
      // XEP-0133 section 4.19, as 4.18.
      node: `${NS_ADMIN}#get-disabled-users-list`,
      who: "admins",
      name: "Get list of disabled users",
      instructions: "How many disabled accounts to list at most, by name (None: as many as one answer holds, 1000).",
      fields: [FORM_TYPE, MAX_ITEMS_FIELD],
      run: (admin, values, context) =>
        listedAccountJids(admin, values, context, domain, { field: "disableduserjids", label: "The list of all disabled users", what: "disabled users", disabledOnly: true }),
    },
    {
      // XEP-0133 section 4.23: to the users of this gateway online now, as native admin.announce; kept for nobody.
      node: `${NS_ADMIN}#announce`,
      who: "admins",
      name: "Send announcement to online users",
      instructions: "Shown at once to every user of this gateway online now, in every session; those offline never see it.",
      fields: [FORM_TYPE, { name: "subject", label: "Subject", required: false, type: "text-single" }, { name: "announcement", label: "Announcement", required: true, type: "text-multi" }],
      async run(admin, values, context) {
        // A text-multi field's lines come one a line; a client may end them with CR LF.
        const body = required(values, "announcement").replace(/\r\n?/g, "\n");
        const reach = await context.userAdmin.announce(admin, { subject: required(values, "subject"), body });
        return { note: `Announced to ${describeReach(reach)}` };
      },
    },
  ];
}
