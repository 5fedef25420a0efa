/** XEP-0084 avatars published by a test's XMPP client (with mod_pep: servers.ts `pep`), as Conversations and Dino do. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { xml } from "@xmpp/client";
import type { XmppTestClient } from "./xmpp-client.js";

const sha1 = (data: Buffer): string => createHash("sha1").update(data).digest("hex");

/** `juliet` publishes `picture` as her XEP-0084 avatar: its data, then the metadata naming it (XEP-0084 section 4). */
export async function publishAvatar(juliet: XmppTestClient, type: string, picture: Buffer): Promise<void> {
  const publish = async (node: string, payload: ReturnType<typeof xml>): Promise<void> => {
    const answer = await juliet.iq(xml("iq", { type: "set" }, xml("pubsub", { xmlns: "http://jabber.org/protocol/pubsub" }, xml("publish", { node }, xml("item", { id: sha1(picture) }, payload)))));
    assert.equal(answer.attrs["type"], "result", answer.toString());
  };
  await publish("urn:xmpp:avatar:data", xml("data", { xmlns: "urn:xmpp:avatar:data" }, picture.toString("base64")));
  await publish("urn:xmpp:avatar:metadata", xml("metadata", { xmlns: "urn:xmpp:avatar:metadata" }, xml("info", { id: sha1(picture), type, bytes: String(picture.length), width: "1", height: "1" })));
}
