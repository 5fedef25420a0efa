/** hello, register, login, logout and ping: everything a client can do before it has a session. */
import { checkPassword, createAccount, refuseDisabled } from "../../../core/accounts.js";
import { GatewayError, hasErrorCode } from "../../../core/errors.js";
import { canonicalUserName } from "../../../core/model/account-rules.js";
import { formatAddress } from "../../../core/model/address.js";
import { dummyHash } from "../../../core/passwords.js";
import { PROTOCOL_VERSION } from "../frame-schemas.js";
import type { Handler } from "../handler-environment.js";
import type { HelloFrame, LoginFrame, LogoutFrame, PingFrame, RegisterFrame } from "../client-frames.js";
import { userAddress } from "../native-addresses.js";
import { frames } from "../server-frames.js";
import { isLoopbackHost } from "../../../util/loopback.js";
import { passwordAttempt, throttle } from "../../../core/login-limits.js";

export const SERVER_NAME = "switchboard";

/** The optional features a hello may ask for (docs/protocol.md): `receipts`, message.delivered pushes. */
const FEATURES: ReadonlySet<string> = new Set(["receipts"]);

// The hash an unknown user's login is checked against, made now: the first such login takes no longer than the others.
void dummyHash();

export const hello: Handler<HelloFrame> = async (session, frame, env) => {
  if (frame.version !== PROTOCOL_VERSION) {
    throw new GatewayError("GW_ERR_VERSION", `protocol version ${frame.version} is not supported; this gateway speaks version ${PROTOCOL_VERSION}`);
  }
  if (session.state === "handshake") session.state = "anonymous";
  // Each hello says what the connection wants from now on; a client that names no features gets none.
  const granted = (frame.features ?? []).filter((feature, index, all) => FEATURES.has(feature) && all.indexOf(feature) === index);
  session.receipts = granted.includes("receipts");
  // Read at each hello: the per-user limits, the room member cap and the invitations an hour change with a reload (SIGHUP).
  const user = env.services.limits.current;
  const maxRoomMembers = env.services.rooms.maxMembers;
  return {
    version: PROTOCOL_VERSION,
    server: SERVER_NAME,
    limits: {
      max_frame_bytes: env.config.max_frame_bytes,
      frames_per_second: env.config.rate_limit.frames_per_second,
      burst: env.config.rate_limit.burst,
      contacts: user.contacts,
      rooms_created: user.roomsCreated,
      contact_requests_per_hour: user.contactRequestsPerHour,
      invitations_per_hour: env.services.invitations.perHour,
      ...(maxRoomMembers === undefined ? {} : { max_room_members: maxRoomMembers }),
    },
    registration: env.config.registration,
    ...(frame.features === undefined ? {} : { features: granted }),
  };
};

export const register: Handler<RegisterFrame> = async (session, frame, env) => {
  if (env.config.registration !== "open") throw new GatewayError("GW_ERR_REGISTRATION_CLOSED");
  const key = `register:${session.remote}`;
  throttle(env.loginLimiter.retryAfter(key));
  // Accounts made, per address and hour: each costs a slow hash and a row for good. A client on the gateway's
  // own machine is trusted (behind a local reverse proxy, trusted_proxies makes the clients' addresses count).
  const counted = env.config.registrations_per_hour > 0 && !isLoopbackHost(session.remote);
  if (counted) throttle(env.registrationLimiter.retryAfter(key), `this address registered ${env.config.registrations_per_hour} accounts within the hour`);
  let account;
  try {
    account = await createAccount(env.services.accounts, { name: frame.user, password: frame.password, displayName: frame.display_name ?? frame.user });
  } catch (error: unknown) {
    if (hasErrorCode(error, "GW_ERR_USER_EXISTS")) env.loginLimiter.fail(key);
    throw error;
  }
  const name = account.name;
  if (counted) env.registrationLimiter.fail(key); // counted as made, not failed: the limiter counts in its window
  env.rememberUser(name);
  return { user: name, address: formatAddress(userAddress(name)) };
};

export const login: Handler<LoginFrame> = async (session, frame, env) => {
  if (session.state === "authenticated") throw new GatewayError("GW_ERR_ALREADY_AUTHENTICATED");
  const name = canonicalUserName(frame.user);
  const attempt = passwordAttempt(env.loginLimiter, session.remote, name);
  attempt.check();
  // Counted before the check: one address may open many connections and log in on all at once (PasswordAttempt.begin).
  attempt.begin();
  const account = await checkPassword(env.services.accounts, name, frame.password);
  if (!account) throw new GatewayError("GW_ERR_AUTH_FAILED");
  attempt.passed();
  // After the password, not before: see refuseDisabled.
  refuseDisabled(account);
  const address = userAddress(name);
  session.state = "authenticated";
  session.user = name;
  session.address = address;
  session.accountCreatedAt = account.createdAt;
  // Closed while the password was checked: the frames it sent after the login are still the user's, but a
  // session attached now would never be detached (online for good, its user's messages pushed nowhere).
  // (Still closing, it is attached: the connection's "close" detaches it.)
  if (session.isClosed) return { user: name, address: formatAddress(address), display_name: account.displayName, session: session.id };
  session.presence = { from: address, show: "online", status: "", priority: 0, since: Date.now() };
  env.sessions.attach(session, name);
  // Announce after the answer is on its way: the client sees "ok" before the message of the day and its queued messages.
  setImmediate(() => {
    const motd = env.context.messageOfTheDay.current();
    if (motd !== undefined) session.push(frames.announcement(motd));
    env.presenceChanged(name, address);
    env.reachable(address);
  });
  return { user: name, address: formatAddress(address), display_name: account.displayName, session: session.id };
};

export const logout: Handler<LogoutFrame> = async (session, _frame, env) => {
  if (session.user === undefined || session.address === undefined) throw new GatewayError("GW_ERR_NOT_AUTHENTICATED");
  const { user, address } = session;
  env.sessions.detach(session);
  session.signOut();
  env.presenceChanged(user, address);
  return {};
};

export const ping: Handler<PingFrame> = async () => undefined;
