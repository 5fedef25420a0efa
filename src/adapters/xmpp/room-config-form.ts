/**
 * A gateway room's configuration as a XEP-0004 data form (XEP-0045 section 10.2, FORM_TYPE muc#roomconfig), and its
 * room information form (section 6.4, muc#roominfo). The owner's client is sent the settings the core keeps
 * (core/room-settings.ts) and sends back the form filled in: the fields read are the description, members-only,
 * password protection with its secret, public and persistence (always on: gateway rooms are kept until destroyed).
 * Other fields a client sends (XEP-0045 lists many) are ignored, as Prosody ignores those it lacks. Pure: no I/O.
 */
import { xml } from "@xmpp/component";
import type { Element } from "ltx";
import { GatewayError } from "../../core/errors.js";
import type { RoomSettingsChange, RoomSettingsView } from "../../core/room-settings.js";
import { stripInvalidXmlChars as safe } from "./xml-safety.js";

export const NS_DATA = "jabber:x:data";
export const FORM_ROOMCONFIG = "http://jabber.org/protocol/muc#roomconfig";
export const FORM_ROOMINFO = "http://jabber.org/protocol/muc#roominfo";

function field(name: string, type: string, label: string, values: readonly string[]): Element {
  return xml("field", { var: name, type, label }, ...values.map((value) => xml("value", {}, safe(value))));
}

function bool(value: boolean): string {
  return value ? "1" : "0";
}

/** The form an owner is sent (XEP-0045 example 164): the settings as they are; the secret is never sent back, empty. */
export function roomConfigForm(settings: RoomSettingsView, roomName: string): Element {
  return xml(
    "x",
    { xmlns: NS_DATA, type: "form" },
    xml("title", {}, safe(`Configuration of ${roomName}`)),
    xml("instructions", {}, "Leave the password empty to keep the current one; untick password protection to take it away."),
    field("FORM_TYPE", "hidden", "", [FORM_ROOMCONFIG]),
    field("muc#roomconfig_roomdesc", "text-single", "Description", [settings.description]),
    field("muc#roomconfig_membersonly", "boolean", "Only people invited by the owner may join", [bool(settings.membersOnly)]),
    field("muc#roomconfig_passwordprotectedroom", "boolean", "A password is needed to join", [bool(settings.passwordProtected)]),
    field("muc#roomconfig_roomsecret", "text-private", "Password", []),
    field("muc#roomconfig_publicroom", "boolean", "Listed in the gateway's rooms", [bool(settings.public)]),
    field("muc#roomconfig_persistentroom", "boolean", "Kept when everyone has left (always)", ["1"]),
  );
}

/** XEP-0004 section 3.3: a boolean is "1"/"true" or "0"/"false". */
function parseBool(name: string, value: string): boolean {
  if (value === "1" || value === "true") return true;
  if (value === "0" || value === "false") return false;
  throw new GatewayError("GW_ERR_BAD_FRAME", `${name} is a boolean: 1, true, 0 or false`);
}

/**
 * What a submitted form (XEP-0045 example 165) changes. A secret given sets the password (protection then implied);
 * protection switched off takes it away; protection switched on without a secret keeps the current one (a client
 * sends back an empty secret when the owner did not touch it), and is refused when there is none. GW_ERR_BAD_FRAME
 * for a form that is not a muc#roomconfig submission, a field of the wrong kind, or a room made not persistent.
 */
export function parseRoomConfigForm(x: Element, current: RoomSettingsView): RoomSettingsChange {
  if (x.attrs["xmlns"] !== NS_DATA || x.attrs["type"] !== "submit") throw new GatewayError("GW_ERR_BAD_FRAME", "the configuration comes as a submitted jabber:x:data form");
  const values = new Map<string, string[]>();
  for (const entry of x.getChildren("field")) {
    const name = entry.attrs["var"];
    if (typeof name === "string") values.set(name, entry.getChildren("value").map((value) => value.getText()));
  }
  const formType = values.get("FORM_TYPE");
  if (formType !== undefined && formType[0] !== FORM_ROOMCONFIG) throw new GatewayError("GW_ERR_BAD_FRAME", `the form is not of ${FORM_ROOMCONFIG}`);
  const single = (name: string): string | undefined => values.get(name)?.[0] ?? (values.has(name) ? "" : undefined);
  const change: { -readonly [K in keyof RoomSettingsChange]: RoomSettingsChange[K] } = {};
  const description = single("muc#roomconfig_roomdesc");
  if (description !== undefined) change.description = description;
  const membersOnly = single("muc#roomconfig_membersonly");
  if (membersOnly !== undefined) change.membersOnly = parseBool("muc#roomconfig_membersonly", membersOnly);
  const isPublic = single("muc#roomconfig_publicroom");
  if (isPublic !== undefined) change.public = parseBool("muc#roomconfig_publicroom", isPublic);
  const persistent = single("muc#roomconfig_persistentroom");
  if (persistent !== undefined && !parseBool("muc#roomconfig_persistentroom", persistent)) {
    throw new GatewayError("GW_ERR_BAD_FRAME", "the gateway's rooms are persistent: they are kept until destroyed");
  }
  const protectedValue = single("muc#roomconfig_passwordprotectedroom");
  const protectedRoom = protectedValue === undefined ? undefined : parseBool("muc#roomconfig_passwordprotectedroom", protectedValue);
  const secret = single("muc#roomconfig_roomsecret") ?? "";
  if (protectedRoom === false) change.password = null;
  else if (secret !== "") change.password = secret;
  else if (protectedRoom === true && !current.passwordProtected) throw new GatewayError("GW_ERR_BAD_FRAME", "a password-protected room needs a password (muc#roomconfig_roomsecret)");
  return change;
}

/** The room information form of disco#info (XEP-0045 section 6.4, example 10): its description. */
export function roomInfoForm(settings: RoomSettingsView): Element {
  return xml("x", { xmlns: NS_DATA, type: "result" }, field("FORM_TYPE", "hidden", "", [FORM_ROOMINFO]), field("muc#roominfo_description", "text-single", "Description", [settings.description]));
}

/** The features of a room's disco#info that its settings decide (XEP-0045 section 6.4 and the registrar's list). */
export function settingsFeatures(settings: RoomSettingsView): string[] {
  return [settings.membersOnly ? "muc_membersonly" : "muc_open", settings.passwordProtected ? "muc_passwordprotected" : "muc_unsecured", settings.public ? "muc_public" : "muc_hidden"];
}
