/**
 * XEP-0133's message of the day commands of the component's domain, for the gateway's admins (sections 4.24 to 4.26):
 * set-motd (kept, and shown at once to every native user online, as native admin.motd.set), edit-motd (its form
 * filled with the current text; kept, shown to nobody now: the next logins show it, as ejabberd's edit does) and
 * delete-motd (as native admin.motd.clear). Through AdapterContext.messageOfTheDay (core/message-of-the-day.ts), with
 * admin.announce's text rules. A `subject` field beside XEP-0133's `motd`, as the announce command has.
 */
import type { AdapterContext } from "../../core/adapter.js";
import { describeReach } from "../../core/announcements.js";
import type { Address } from "../../core/model/address.js";
import { required, type CommandSpec, type FieldSpec } from "./adhoc-command-spec.js";
import { NS_ADMIN } from "./service-admin-commands.js";

const FIELDS: readonly FieldSpec[] = [
  { name: "FORM_TYPE", label: "", required: false, type: "hidden", value: NS_ADMIN },
  { name: "subject", label: "Subject", required: false, type: "text-single" },
  { name: "motd", label: "Message of the day", required: true, type: "text-multi" },
];

/** Keeps the submitted text as the message of the day: whom it reached now. */
function setFromForm(admin: Address, values: ReadonlyMap<string, string>, context: AdapterContext, tellOnline: boolean): ReturnType<AdapterContext["messageOfTheDay"]["set"]> {
  // A text-multi field's lines come one a line; a client may end them with CR LF.
  const body = required(values, "motd").replace(/\r\n?/g, "\n");
  return context.messageOfTheDay.set(admin, { subject: required(values, "subject"), body }, { tellOnline });
}

export const MOTD_COMMANDS: readonly CommandSpec[] = [
  {
    node: `${NS_ADMIN}#set-motd`,
    who: "admins",
    name: "Set message of the day",
    instructions: "Shown at once to every user of this gateway online now, and to every user at each login until deleted.",
    fields: FIELDS,
    async run(admin, values, context) {
      const reach = await setFromForm(admin, values, context, true);
      return { note: `Message of the day set; shown now to ${describeReach(reach)}` };
    },
  },
  {
    node: `${NS_ADMIN}#edit-motd`,
    who: "admins",
    name: "Edit message of the day",
    instructions: "Shown to every user of this gateway at each login from now on; those online now are not shown it again.",
    fields: FIELDS,
    async prefill(admin, context) {
      const motd = await context.messageOfTheDay.get(admin);
      return new Map(motd === undefined ? [] : [["subject", motd.subject ?? ""], ["motd", motd.body]]);
    },
    async run(admin, values, context) {
      await setFromForm(admin, values, context, false);
      return { note: "Message of the day changed; it is shown at each login" };
    },
  },
  {
    node: `${NS_ADMIN}#delete-motd`,
    who: "admins",
    name: "Delete message of the day",
    instructions: "",
    fields: [],
    async run(admin, _values, context) {
      const cleared = await context.messageOfTheDay.clear(admin);
      return { note: cleared ? "Message of the day deleted" : "There was no message of the day" };
    },
  },
];
