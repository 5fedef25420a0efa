import assert from "node:assert/strict";
import { xml } from "@xmpp/component";
import type { Element } from "ltx";
import { FORM_ROOMCONFIG, FORM_ROOMINFO, NS_DATA, parseRoomConfigForm, roomConfigForm, roomInfoForm, settingsFeatures } from "../../../src/adapters/xmpp/room-config-form.js";
import type { RoomSettingsView } from "../../../src/core/room-settings.js";

const open: RoomSettingsView = { membersOnly: false, passwordProtected: false, description: "", public: true };
const locked: RoomSettingsView = { membersOnly: true, passwordProtected: true, description: "the team", public: false };

function submitted(fields: Record<string, string | readonly string[]>, formType: string | undefined = FORM_ROOMCONFIG): Element {
  const entries = Object.entries(fields).map(([name, value]) => xml("field", { var: name }, ...(typeof value === "string" ? [value] : value).map((text) => xml("value", {}, text))));
  return xml("x", { xmlns: NS_DATA, type: "submit" }, ...(formType === undefined ? [] : [xml("field", { var: "FORM_TYPE" }, xml("value", {}, formType))]), ...entries);
}

function values(form: Element): Record<string, string[]> {
  return Object.fromEntries(form.getChildren("field").map((field) => [String(field.attrs["var"]), field.getChildren("value").map((value) => value.getText())]));
}

describe("room configuration form (adapters/xmpp/room-config-form.ts)", () => {
  it("shows the settings as a muc#roomconfig form, never the password", () => {
    const form = roomConfigForm(locked, "#team");
    assert.equal(form.attrs["xmlns"], NS_DATA);
    assert.equal(form.attrs["type"], "form");
    assert.deepEqual(values(form), {
      FORM_TYPE: [FORM_ROOMCONFIG],
      "muc#roomconfig_roomdesc": ["the team"],
      "muc#roomconfig_membersonly": ["1"],
      "muc#roomconfig_passwordprotectedroom": ["1"],
      "muc#roomconfig_roomsecret": [],
      "muc#roomconfig_publicroom": ["0"],
      "muc#roomconfig_persistentroom": ["1"],
    });
  });

  it("reads a submitted form's fields into a change, booleans as 1/0/true/false", () => {
    const change = parseRoomConfigForm(
      submitted({ "muc#roomconfig_roomdesc": "our room", "muc#roomconfig_membersonly": "true", "muc#roomconfig_passwordprotectedroom": "1", "muc#roomconfig_roomsecret": "s3cret", "muc#roomconfig_publicroom": "0", "muc#roomconfig_persistentroom": "1", "muc#roomconfig_maxusers": "20" }),
      open,
    );
    assert.deepEqual(change, { description: "our room", membersOnly: true, public: false, password: "s3cret" });
  });

  it("leaves what the form does not hold as it is, and keeps the password when protection stays on without a secret", () => {
    assert.deepEqual(parseRoomConfigForm(submitted({ "muc#roomconfig_publicroom": "1" }, undefined), locked), { public: true });
    assert.deepEqual(parseRoomConfigForm(submitted({ "muc#roomconfig_passwordprotectedroom": "1", "muc#roomconfig_roomsecret": [] }), locked), {});
  });

  it("takes the password away when protection is switched off, whatever the secret", () => {
    assert.deepEqual(parseRoomConfigForm(submitted({ "muc#roomconfig_passwordprotectedroom": "0", "muc#roomconfig_roomsecret": "ignored" }), locked), { password: null });
  });

  it("refuses protection without any password, a non-boolean, another form type, an unsubmitted form and a room made not persistent", () => {
    const refused = (form: Element, current = open): void => assert.throws(() => parseRoomConfigForm(form, current), { code: "GW_ERR_BAD_FRAME" });
    refused(submitted({ "muc#roomconfig_passwordprotectedroom": "1" }));
    refused(submitted({ "muc#roomconfig_membersonly": "yes" }));
    refused(submitted({ "muc#roomconfig_membersonly": "1" }, "urn:example:other"));
    refused(xml("x", { xmlns: NS_DATA, type: "form" }));
    refused(submitted({ "muc#roomconfig_persistentroom": "0" }));
  });

  it("gives disco#info the features and the room information form of the settings", () => {
    assert.deepEqual(settingsFeatures(open), ["muc_open", "muc_unsecured", "muc_public"]);
    assert.deepEqual(settingsFeatures(locked), ["muc_membersonly", "muc_passwordprotected", "muc_hidden"]);
    assert.deepEqual(values(roomInfoForm(locked)), { FORM_TYPE: [FORM_ROOMINFO], "muc#roominfo_description": ["the team"] });
  });
});
