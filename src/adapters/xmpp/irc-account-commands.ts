/**
 * Ad-hoc commands for anyone who reaches the component's domain: keep their own IRC services account for their
 * puppets (core/puppet-accounts.ts; docs/irc.md "Your own IRC account"), as Biboumi's users configure theirs.
 * The account is kept for the person the requester is (their native user when the JID is linked). A password the
 * services refuse counts against the requester's JID and, four times as many, against its domain: each one is a
 * password tried against the IRC network from the gateway, and a server can mint JIDs. A taken one clears the JID's
 * count only: anyone of the domain with one good account could otherwise clear the domain's. Fields are bounded as
 * the native frame's are.
 */
import { GatewayError, hasErrorCode } from "../../core/errors.js";
import type { Address } from "../../core/model/address.js";
import { AttemptLimiter } from "../../util/attempt-limiter.js";
import { required, type CommandSpec } from "./adhoc-command-spec.js";

const REFUSALS_PER_JID = 5;
const DOMAIN_FACTOR = 4;
const REFUSAL_WINDOW_MS = 15 * 60 * 1000;
/** Keys are JIDs and domains anyone can make: the memory they take is bounded. */
const MAX_KEYS = 10_000;
const refusals = new AttemptLimiter(REFUSALS_PER_JID, REFUSAL_WINDOW_MS, Date.now, MAX_KEYS);
/** The bounds of irc.account.set's fields (adapters/native/frame-schemas.ts). */
const MAX_NETWORK = 64;
const MAX_ACCOUNT = 64;
const MAX_PASSWORD = 300;
export const SET_ACCOUNT_NODE = "irc-account";

function refusalKeys(requester: Address): [string, string] {
  const domain = requester.id.slice(requester.id.lastIndexOf("@") + 1);
  return [`jid:${requester.id}`, `domain:${domain}`];
}

function checkRefusals(requester: Address): void {
  const [jid, domain] = refusalKeys(requester);
  const retryAfter = Math.max(refusals.retryAfter(jid), refusals.retryAfter(domain, REFUSALS_PER_JID * DOMAIN_FACTOR));
  if (retryAfter > 0) throw new GatewayError("GW_ERR_RATE_LIMITED", `too many refused accounts; try again in ${Math.ceil(retryAfter / 1000)} s`);
}

export const IRC_ACCOUNT_COMMANDS: readonly CommandSpec[] = [
  {
    node: SET_ACCOUNT_NODE,
    who: "everyone",
    name: "Log your IRC puppet in to your account",
    instructions: "Your services (NickServ) account on an IRC network: the gateway tries it first, then keeps the password encrypted, and your puppet there logs in to it.",
    fields: [
      { name: "network", label: "IRC network", required: true },
      { name: "account", label: "Account", required: true },
      { name: "password", label: "Password", required: true, type: "text-private" },
    ],
    async run(requester, values, context) {
      checkRefusals(requester);
      const network = required(values, "network");
      const account = required(values, "account");
      // The password as typed: spaces at its ends may be part of it.
      const password = values.get("password") ?? "";
      if (network === "" || account === "" || password === "" || /\s/.test(account)) throw new GatewayError("GW_ERR_BAD_FRAME", "give a network, an account without spaces, and a password");
      if ([...network].length > MAX_NETWORK || [...account].length > MAX_ACCOUNT || [...password].length > MAX_PASSWORD) {
        throw new GatewayError("GW_ERR_BAD_FRAME", `a network and an account have at most ${MAX_ACCOUNT} characters, a password ${MAX_PASSWORD}`);
      }
      try {
        const set = await context.puppetAccounts.set(requester, network, { account, password });
        refusals.succeed(refusalKeys(requester)[0]);
        return { note: `Your puppet on ${set.network} logs in to ${set.account} now.` };
      } catch (error: unknown) {
        if (hasErrorCode(error, "GW_ERR_AUTH_FAILED")) for (const key of refusalKeys(requester)) refusals.fail(key);
        throw error;
      }
    },
  },
  {
    node: "irc-account-remove",
    who: "everyone",
    name: "Forget your IRC account",
    instructions: "Your puppet on that network logs in to no account any more.",
    fields: [{ name: "network", label: "IRC network", required: true }],
    async run(requester, values, context) {
      const network = required(values, "network");
      await context.puppetAccounts.remove(requester, network);
      return { note: `Forgotten: your puppet on ${network} logs in to no account.` };
    },
  },
  {
    node: "irc-accounts",
    who: "everyone",
    name: "Your IRC accounts",
    instructions: "",
    fields: [],
    async run(requester, _values, context) {
      const accounts = await context.puppetAccounts.list(requester);
      return { note: accounts.length === 0 ? "No IRC accounts kept for you." : accounts.map((entry) => `${entry.network}: ${entry.account}`).join("\n") };
    },
  },
];
