/**
 * The ad-hoc command for anyone who reaches the component's domain to choose their puppet's nick on an IRC network
 * (core/puppet-nicks.ts; docs/irc.md "Your puppet's nick"), as Biboumi's users choose their nicks. The nick is chosen
 * for the person the requester is (their native user when the JID is linked). No secret is involved: offered over
 * any component link. Fields are bounded as the native frame's are.
 */
import { GatewayError } from "../../core/errors.js";
import { required, type CommandSpec } from "./adhoc-command-spec.js";

/** The bounds of irc.nick.set's fields (adapters/native/frame-schemas.ts). */
const MAX_NETWORK = 64;
const MAX_NAME = 64;

export const IRC_NICK_COMMANDS: readonly CommandSpec[] = [
  {
    node: "irc-nick",
    who: "everyone",
    name: "Choose your IRC puppet's nick",
    instructions: "The name your puppet goes by on an IRC network: the network's nick template is applied to it (alice makes alice[sb]). Leave the name empty to go back to the default. Every nick you had stays yours (20 at most).",
    fields: [
      { name: "network", label: "IRC network", required: true },
      { name: "name", label: "Name (empty: the default)", required: false },
    ],
    async run(requester, values, context) {
      const network = required(values, "network");
      const name = required(values, "name");
      if (network === "") throw new GatewayError("GW_ERR_BAD_FRAME", "give a network");
      if ([...network].length > MAX_NETWORK || [...name].length > MAX_NAME) throw new GatewayError("GW_ERR_BAD_FRAME", `a network and a name have at most ${MAX_NAME} characters`);
      const set = await context.puppetNicks.set(requester, network, name);
      return { note: `Your puppet on ${set.network} is ${set.nick} now.` };
    },
  },
];
