/**
 * Rules that tie keys together, which JSON Schema can say only awkwardly (and ajv then words for schema
 * authors): checked after the schema, on data that already has its defaults.
 */
import { decodeCredentialKey } from "../core/credential-box.js";
import type { SwitchboardConfig } from "./config-types.js";
import type { UnplacedProblem } from "./problems.js";

export function crossCheck(config: SwitchboardConfig): UnplacedProblem[] {
  const problems: UnplacedProblem[] = [];
  const component = config.xmpp.component;
  if (component.enabled && component.secret === "") {
    problems.push({ segments: ["xmpp", "component", "secret"], atKey: false, message: "must be set when xmpp.component.enabled is true" });
  }
  const accounts = new Set<string>();
  const linking = config.xmpp.user_accounts.enabled;
  config.xmpp.bots.forEach((bot, index) => {
    if (bot.account === "default" || accounts.has(bot.account)) {
      problems.push({ segments: ["xmpp", "bots", String(index), "account"], atKey: false, message: `must be unique and not "default" (the component's account)` });
    } else if (linking && bot.account.toLowerCase().startsWith("u.")) {
      problems.push({ segments: ["xmpp", "bots", String(index), "account"], atKey: false, message: `must not start with "u." while xmpp.user_accounts.enabled is true: u.<user> names linked accounts` });
    }
    accounts.add(bot.account);
  });
  const key = config.xmpp.user_accounts.credential_key;
  const keyPath = ["xmpp", "user_accounts", "credential_key"];
  if (linking && key === "") {
    problems.push({ segments: keyPath, atKey: false, message: "must be set when xmpp.user_accounts.enabled is true (32 bytes: openssl rand -hex 32)" });
  } else if (key !== "" && decodeCredentialKey(key) === undefined) {
    // Never print the value: it is a secret.
    problems.push({ segments: keyPath, atKey: false, message: "must be 32 bytes written as 64 hexadecimal digits or as base64 (openssl rand -hex 32)" });
  }
  return problems;
}
