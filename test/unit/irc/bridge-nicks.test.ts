/**
 * Whose IRC lines are never relayed (no loops between bridges): the gateway's own nicks, other bridges' nicks
 * (ignore_nicks) and anyone's puppets, known by the puppet template's own text.
 */
import assert from "node:assert/strict";
import { BridgeNicks, templateHasFixedText } from "../../../src/adapters/irc/bridge-nicks.js";

describe("BridgeNicks", () => {
  const own = new Set(["sbgate", "alice"]);
  const isOwn = (nick: string): boolean => own.has(nick.toLowerCase());

  it("takes nicks that fit a template with text of its own for puppets, ours or another instance's", () => {
    const nicks = new BridgeNicks("{name}[sb]", ["*bot"], isOwn);
    assert.equal(nicks.isBridge("carol[sb]"), true);
    assert.equal(nicks.isBridge("carol[sb]_2"), true);
    assert.equal(nicks.isLookalike("carol[sb]"), true);
    assert.equal(nicks.isBridge("matterbot"), true);
    assert.equal(nicks.isLookalike("matterbot"), false);
    assert.equal(nicks.isBridge("carol"), false);
  });

  it("relays everyone but its own puppets and ignore_nicks when the template has no text of its own", () => {
    for (const template of ["{name}", "{name}{network}"]) {
      const nicks = new BridgeNicks(template, ["*bot"], isOwn);
      assert.equal(nicks.isBridge("carol"), false, template);
      assert.equal(nicks.isLookalike("carol"), false, template);
      assert.equal(nicks.isBridge("alice"), true, template);
      assert.equal(nicks.isBridge("SbGate"), true, template);
      assert.equal(nicks.isBridge("matterbot"), true, template);
    }
  });

  it("tells templates with text of their own from those without", () => {
    assert.equal(templateHasFixedText("{name}[sb]"), true);
    assert.equal(templateHasFixedText("sb-{name}"), true);
    assert.equal(templateHasFixedText("{name}"), false);
    assert.equal(templateHasFixedText("{network}{name}"), false);
  });
});
