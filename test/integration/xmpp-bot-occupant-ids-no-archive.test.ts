/**
 * A bridge bot's MUC that gives XEP-0421 occupant ids but no XEP-0359 stanza ids (a real Prosody without mod_muc_mam):
 * an occupant who took another nick still corrects her own line, which reaches the native room as a correction from
 * the address the line was said from, rather than being lost.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { messageOf, useBotMuc } from "../helpers/bot-muc-suite.js";

const CORRECT = "urn:xmpp:message-correct:0";

describe("a bridge bot's MUC with occupant ids and no stanza ids", function () {
  const suite = useBotMuc({ mucArchive: false });

  it("carries an occupant's correction of her own line after she took another nick", async function () {
    const { romeo, muc } = suite;
    const rosa = await suite.occupant("rosa", "Rosa");
    await rosa.send(xml("message", { to: muc, type: "groupchat", id: "r-typo" }, xml("body", {}, "the tarin leaves at six")));
    const echo = await rosa.waitForMessage(`${muc}/Rosa`, (stanza) => stanza.getChildText("body") === "the tarin leaves at six");
    assert.ok(echo.getChild("occupant-id", "urn:xmpp:occupant-id:0") !== undefined, `the MUC gives occupant ids: ${echo.toString()}`);
    assert.equal(echo.getChild("stanza-id", "urn:xmpp:sid:0"), undefined, `and no stanza ids: ${echo.toString()}`);
    const said = messageOf(await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === "the tarin leaves at six", 10_000));

    await rosa.send(xml("presence", { to: `${muc}/Rosaline` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await rosa.waitForPresence(`${muc}/Rosaline`);
    await rosa.send(xml("message", { to: muc, type: "groupchat", id: "r-fixed" }, xml("body", {}, "the train leaves at six"), xml("replace", { xmlns: CORRECT, id: "r-typo" })));
    const corrected = messageOf(await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === "the train leaves at six", 10_000));
    assert.equal(corrected["replaces"], said["id"], JSON.stringify(corrected));
    assert.equal(corrected["from"], said["from"], "from the address the line was said from");
  });
});
