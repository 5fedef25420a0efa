/**
 * bridge.add, bridge.remove and bridge.list: an admin (config `admins`) changes the gateway's bridges at runtime
 * (core/bridges.ts). The admin is always the session's user; the core checks the right and the rest.
 */
import type { Bridge } from "../../../core/bridges.js";
import { GatewayError } from "../../../core/errors.js";
import { formatAddress, type Address } from "../../../core/model/address.js";
import type { BridgeAddFrame, BridgeListFrame, BridgeRemoveFrame } from "../client-frames.js";
import type { Handler, HandlerEnvironment } from "../handler-environment.js";
import type { NativeSession } from "../session.js";
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

/** The session's user, when an admin: anyone else is refused before anything of the frame is read (docs/protocol.md). */
function admin(session: NativeSession, env: HandlerEnvironment): Address {
  const me = self(session);
  if (!env.context.bridges.isAdmin(me)) throw new GatewayError("GW_ERR_FORBIDDEN", `${formatAddress(me)} is not an admin of this gateway`);
  return me;
}

export const bridgeAdd: Handler<BridgeAddFrame> = async (session, frame, env) => {
  const bridge = await env.context.bridges.add(admin(session, env), {
    room: frame.room,
    remote: clientAddress(frame.with),
    ...(frame.nick === undefined ? {} : { nick: frame.nick }),
    ...(frame.key === undefined ? {} : { key: frame.key }),
    ...(frame.membership === undefined ? {} : { membership: frame.membership }),
  });
  return { bridge: bridgeView(bridge) };
};

export const bridgeRemove: Handler<BridgeRemoveFrame> = async (session, frame, env) => {
  await env.context.bridges.remove(admin(session, env), clientAddress(frame.with));
  return {};
};

export const bridgeList: Handler<BridgeListFrame> = async (session, _frame, env) => {
  return { bridges: (await env.context.bridges.list(self(session))).map(bridgeView) };
};
