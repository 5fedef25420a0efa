/**
 * bridge.add, bridge.remove and bridge.list: an admin (config `admins`) changes the gateway's bridges at runtime
 * (core/bridges.ts). The admin is always the session's user; the core checks the right and the rest.
 */
import type { Bridge } from "../../../core/bridges.js";
import { formatAddress } from "../../../core/model/address.js";
import type { BridgeAddFrame, BridgeListFrame, BridgeRemoveFrame } from "../client-frames.js";
import type { Handler } from "../handler-environment.js";
import { clientAddress } from "../native-addresses.js";
import { self } from "./contact-handlers.js";

export function bridgeView(bridge: Bridge): Record<string, unknown> {
  return {
    room: bridge.room,
    with: formatAddress(bridge.remote),
    ...(bridge.nick === "" ? {} : { nick: bridge.nick }),
    // The key itself is never shown: it would reach every admin's client and their logs.
    ...(bridge.key === "" ? {} : { keyed: true }),
    membership: bridge.membership,
    source: bridge.source,
    ...(bridge.createdBy === undefined ? {} : { created_by: formatAddress(bridge.createdBy) }),
    ...(bridge.createdAt === undefined ? {} : { created_at: bridge.createdAt }),
  };
}

export const bridgeAdd: Handler<BridgeAddFrame> = async (session, frame, env) => {
  const bridge = await env.context.bridges.add(self(session), {
    room: frame.room,
    remote: clientAddress(frame.with),
    ...(frame.nick === undefined ? {} : { nick: frame.nick }),
    ...(frame.key === undefined ? {} : { key: frame.key }),
    ...(frame.membership === undefined ? {} : { membership: frame.membership }),
  });
  return { bridge: bridgeView(bridge) };
};

export const bridgeRemove: Handler<BridgeRemoveFrame> = async (session, frame, env) => {
  await env.context.bridges.remove(self(session), clientAddress(frame.with));
  return {};
};

export const bridgeList: Handler<BridgeListFrame> = async (session, _frame, env) => {
  return { bridges: (await env.context.bridges.list(self(session))).map(bridgeView) };
};
