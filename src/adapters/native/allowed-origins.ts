/**
 * Which web pages may open a native session. A browser sends the page's Origin with every WebSocket upgrade and
 * lets any page connect anywhere, loopback included: without this check a page the user visits could register
 * accounts on their loopback gateway or guess passwords there. Clients that are not browsers send no Origin and are
 * not affected; a browser client's origin is listed in native.allowed_origins.
 */
export class AllowedOrigins {
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.origins = new Set(origins.map((origin) => normalized(origin)).filter((origin): origin is string => origin !== undefined));
  }

  /** Whether an upgrade with this Origin header (undefined: none sent) may go on. */
  allows(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    const key = normalized(origin);
    return key !== undefined && this.origins.has(key);
  }
}

/**
 * An http(s) origin as browsers compare it (lower case, no default port); any other (an app's `file://`,
 * `null`, `chrome-extension://<id>`, `tauri://localhost`) as written, in lower case: such an origin is listed only
 * by an operator who means it ("null" is also what a sandboxed page or a local file sends).
 */
function normalized(origin: string): string | undefined {
  const trimmed = origin.trim().toLowerCase();
  if (trimmed === "") return undefined;
  try {
    const url = new URL(trimmed);
    if (url.protocol === "http:" || url.protocol === "https:") return url.origin;
  } catch {
    // not a URL ("null"): compared as written
  }
  return trimmed;
}
