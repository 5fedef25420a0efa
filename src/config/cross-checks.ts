/**
 * Rules that tie keys together, which JSON Schema can say only awkwardly (and ajv then words for schema
 * authors): checked after the schema, on data that already has its defaults.
 */
import type { SwitchboardConfig } from "./config-types.js";
import type { UnplacedProblem } from "./problems.js";

export function crossCheck(config: SwitchboardConfig): UnplacedProblem[] {
  const problems: UnplacedProblem[] = [];
  const component = config.xmpp.component;
  if (component.enabled && component.secret === "") {
    problems.push({ segments: ["xmpp", "component", "secret"], atKey: false, message: "must be set when xmpp.component.enabled is true" });
  }
  const accounts = new Set<string>();
  config.xmpp.bots.forEach((bot, index) => {
    if (bot.account === "default" || accounts.has(bot.account)) {
      problems.push({ segments: ["xmpp", "bots", String(index), "account"], atKey: false, message: `must be unique and not "default" (the component's account)` });
    }
    accounts.add(bot.account);
  });
  return problems;
}
