/** Loads the stanza fixtures of test/fixtures/stanzas as ltx elements. */
import { readFileSync } from "node:fs";
import { parse, type Element } from "ltx";

const directory = new URL("../../fixtures/stanzas/", import.meta.url);

export function stanzaFixture(name: string): Element {
  return parse(readFileSync(new URL(`${name}.xml`, directory), "utf8"));
}
