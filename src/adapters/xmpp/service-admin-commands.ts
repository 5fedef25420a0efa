/**
 * XEP-0133 (Service Administration) commands of the component's domain, for the gateway's admins: delete native
 * accounts by their gateway JIDs (section 4.2, `accountjids`), and count the accounts (Get Number of Registered Users) and
 * the users online now (Get Number of Online Users). A deletion follows native admin.user.delete's rules (core/account-deletion.ts, through
 * AdapterContext.userAdmin): never an admin's account; a JID that names nobody is reported, and the others are deleted.
 */
import { xml } from "@xmpp/component";
import type { Element } from "ltx";
import { GatewayError, toGatewayError } from "../../core/errors.js";
import { jidToAddress, withoutResource } from "./addressing.js";
import { required, type CommandSpec } from "./adhoc-command-spec.js";

export const NS_ADMIN = "http://jabber.org/protocol/admin";
/** JIDs one delete-user command takes: each deletion is a run of store writes and network traffic. */
export const MAX_DELETED_AT_ONCE = 100;

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

export function serviceAdminCommands(domain: string): readonly CommandSpec[] {
  return [
    {
      node: `${NS_ADMIN}#delete-user`,
      who: "admins",
      name: "Delete a user",
      instructions: `The gateway JIDs of the accounts to delete (alice@${domain} for the user alice): everything of theirs goes, their sessions are closed, and their names are free again. An admin's account is never deleted.`,
      fields: [FORM_TYPE, { name: "accountjids", label: "The Jabber ID(s) to delete", required: true, type: "jid-multi" }],
      async run(admin, values, context) {
        const jids = listedJids(required(values, "accountjids"));
        if (jids.length === 0) throw new GatewayError("GW_ERR_BAD_FRAME", "give the JID of at least one account");
        if (jids.length > MAX_DELETED_AT_ONCE) throw new GatewayError("GW_ERR_BAD_FRAME", `at most ${MAX_DELETED_AT_ONCE} accounts at once`);
        const deleted: string[] = [];
        const refused: string[] = [];
        for (const jid of jids) {
          try {
            await context.userAdmin.delete(admin, userNameOfJid(jid, domain));
            deleted.push(jid);
          } catch (thrown: unknown) {
            const error = toGatewayError(thrown);
            // Not an admin any more (a reload between two deletions): nothing after it is tried.
            if (error.code === "GW_ERR_FORBIDDEN" && !context.bridges.isAdmin(admin)) throw error;
            refused.push(`${jid}: ${error.code}: ${error.message}`);
          }
        }
        const lines = [...(deleted.length === 0 ? [] : [`Deleted: ${deleted.join(", ")}`]), ...(refused.length === 0 ? [] : ["Not deleted:", ...refused])];
        return { note: lines.join("\n"), ...(refused.length === 0 ? {} : { noteType: deleted.length === 0 ? "error" : "warn" }) };
      },
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
  ];
}
