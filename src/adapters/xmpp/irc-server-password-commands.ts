/**
 * Ad-hoc commands for anyone who reaches the component's domain to keep a server password of their own for an IRC
 * server on demand, which their puppet there sends as PASS (core/puppet-server-passwords.ts; docs/irc.md "Servers
 * on demand"), as Biboumi's users set a server's `pass` in its configure command. Kept for the person the requester
 * is (their native user when the JID is linked). Not tried against the server, so nothing to guess with: the
 * service's own limit (sets an hour) is the only one. Fields are bounded as the native frame's are.
 */
import { GatewayError } from "../../core/errors.js";
import { required, type CommandSpec } from "./adhoc-command-spec.js";

/** The bounds of irc.server_password.set's fields (adapters/native/frame-schemas.ts). */
const MAX_NETWORK = 64;
const MAX_PASSWORD = 300;
export const SET_SERVER_PASSWORD_NODE = "irc-server-password";

export const IRC_SERVER_PASSWORD_COMMANDS: readonly CommandSpec[] = [
  {
    node: SET_SERVER_PASSWORD_NODE,
    who: "everyone",
    name: "Give an IRC server your own password",
    instructions: "A server password (PASS) for an IRC server reached by its host: your puppet there sends it each time it connects. It is kept encrypted.",
    fields: [
      { name: "network", label: "IRC server (host)", required: true },
      { name: "password", label: "Server password", required: true, type: "text-private" },
    ],
    async run(requester, values, context) {
      const network = required(values, "network");
      // The password as typed: spaces at its ends may be part of it.
      const password = values.get("password") ?? "";
      if (network === "" || password === "" || /[\0\r\n]/.test(password)) throw new GatewayError("GW_ERR_BAD_FRAME", "give a server and a password without line breaks");
      if ([...network].length > MAX_NETWORK || [...password].length > MAX_PASSWORD) throw new GatewayError("GW_ERR_BAD_FRAME", `a server has at most ${MAX_NETWORK} characters, a password ${MAX_PASSWORD}`);
      const set = await context.puppetServerPasswords.set(requester, network, password);
      return { note: `Your puppet on ${set.network} sends your server password now.` };
    },
  },
  {
    node: "irc-server-password-remove",
    who: "everyone",
    name: "Forget your IRC server password",
    instructions: "Your puppet on that server sends no server password any more.",
    fields: [{ name: "network", label: "IRC server (host)", required: true }],
    async run(requester, values, context) {
      const network = required(values, "network");
      await context.puppetServerPasswords.remove(requester, network);
      return { note: `Forgotten: your puppet on ${network} sends no server password.` };
    },
  },
  {
    node: "irc-server-passwords",
    who: "everyone",
    name: "Your IRC server passwords",
    instructions: "",
    fields: [],
    async run(requester, _values, context) {
      const kept = await context.puppetServerPasswords.list(requester);
      return { note: kept.length === 0 ? "No IRC server passwords kept for you." : `Server passwords kept for: ${kept.map((entry) => entry.network).join(", ")}` };
    },
  },
];
