/**
 * The catalogue of coded errors. A code is stable: clients act on it, so a code is never renamed or reused.
 * Native error frames carry the code; adapters keep the protocol's own condition in `condition`
 * (an XMPP stanza error condition, an IRC numeric name).
 */
export const ERROR_CODES = {
  GW_ERR_BAD_FRAME: "the frame is not valid JSON or does not match its schema",
  GW_ERR_UNKNOWN_TYPE: "the frame type is not part of the protocol",
  GW_ERR_FRAME_TOO_LARGE: "the frame is larger than the configured limit",
  GW_ERR_RATE_LIMITED: "too many frames or attempts; slow down",
  GW_ERR_VERSION: "the protocol version is not supported, or the handshake is missing",
  GW_ERR_NOT_AUTHENTICATED: "this frame needs a logged-in session",
  GW_ERR_ALREADY_AUTHENTICATED: "this session is already logged in",
  GW_ERR_AUTH_FAILED: "wrong user name or password",
  GW_ERR_ACCOUNT_DISABLED: "this account is disabled by the gateway's operators",
  GW_ERR_USER_EXISTS: "a user with that name already exists",
  GW_ERR_REGISTRATION_CLOSED: "registration is disabled on this gateway",
  GW_ERR_FORBIDDEN: "this session may not act on that user or resource",
  GW_ERR_BAD_ADDRESS: "the address is malformed",
  GW_ERR_UNKNOWN_RECIPIENT: "nobody is known at that address",
  GW_ERR_NO_ROUTE: "no configured network serves that address",
  GW_ERR_NOT_FOUND: "no such item",
  GW_ERR_ROOM_EXISTS: "a room with that name already exists",
  GW_ERR_ROOM_FULL: "the room has as many members as the gateway allows (rooms.max_members)",
  GW_ERR_LIMIT_REACHED: "the user has as many of these as the gateway allows",
  GW_ERR_NICK_IN_USE: "another member of that room uses that nick",
  GW_ERR_ALREADY_LINKED: "that account is already linked to a person",
  GW_ERR_ALREADY_BRIDGED: "that room is already part of a bridge",
  GW_ERR_NOT_MEMBER: "the session's user is not a member of that room",
  GW_ERR_KEY_NEEDED: "the room needs a key or password, and none or a wrong one was given",
  GW_ERR_DELIVERY_FAILED: "the message could not be delivered",
  GW_ERR_EXPIRED: "the message waited longer than allowed and was given up",
  GW_ERR_UNAVAILABLE: "the network or recipient is not reachable now",
  GW_ERR_UNSUPPORTED: "the network does not offer that",
  GW_ERR_SHUTTING_DOWN: "the gateway is shutting down",
  GW_ERR_CONFIG: "the configuration is invalid",
  GW_ERR_STORE: "the store failed",
  GW_ERR_INTERNAL: "an unexpected error; the gateway logged it",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface GatewayErrorOptions {
  readonly cause?: unknown;
  /** True when trying again later may succeed (a network down, a recipient offline). */
  readonly retryable?: boolean;
  /** The protocol's own condition, kept for logs and for answering on that protocol. */
  readonly condition?: string;
}

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly condition: string | undefined;

  constructor(code: ErrorCode, message: string = ERROR_CODES[code], options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "GatewayError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.condition = options.condition;
  }
}

/** An error from an adapter's network, keeping the protocol's condition. */
export class AdapterError extends GatewayError {
  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(code, message, options);
    this.name = "AdapterError";
  }
}

/** Any thrown value as a GatewayError: unknown errors become GW_ERR_INTERNAL, keeping the cause. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError("GW_ERR_INTERNAL", ERROR_CODES.GW_ERR_INTERNAL, { cause: error });
}

/** Whether a thrown value is a GatewayError with this code. */
export function hasErrorCode(error: unknown, code: ErrorCode): boolean {
  return error instanceof GatewayError && error.code === code;
}
