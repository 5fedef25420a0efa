/**
 * A real WebSocket client of the native protocol for tests and benchmarks: sends frames, awaits answers by
 * request id, and awaits pushes by predicate, every wait with a timeout.
 */
import { WebSocket } from "ws";

export type Frame = Record<string, unknown> & { type: string };

interface Waiter {
  readonly match: (frame: Frame) => boolean;
  readonly resolve: (frame: Frame) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const DEFAULT_TIMEOUT_MS = 5000;

export class NativeClient {
  /** Every frame received that no waiter took, in order. */
  readonly received: Frame[] = [];
  /** Every frame received, in arrival order. */
  readonly transcript: Frame[] = [];
  private readonly waiters = new Set<Waiter>();
  private nextId = 1;
  private closedPromise: Promise<number>;
  /** The reason the connection was closed with, once it is. */
  closeReason: string | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => this.onFrame(JSON.parse(String(data)) as Frame));
    this.closedPromise = new Promise((resolve) =>
      socket.once("close", (code, reason) => {
        this.closeReason = reason.toString();
        resolve(code);
      }),
    );
  }

  static async connect(url: string, options: { readonly headers?: Record<string, string>; readonly timeoutMs?: number } = {}): Promise<NativeClient> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const socket = new WebSocket(url, options.headers === undefined ? undefined : { headers: options.headers });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no connection to ${url} within ${timeoutMs} ms`)), timeoutMs);
      socket.once("open", () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    return new NativeClient(socket);
  }

  /** Connects, says hello (asking for `features` when given) and logs in (registering first when asked to). */
  static async session(url: string, user: string, password: string, options: { register?: boolean; features?: string[] } = {}): Promise<NativeClient> {
    const client = await NativeClient.connect(url);
    await client.request({ type: "hello", version: 1, ...(options.features === undefined ? {} : { features: options.features }) });
    if (options.register) await client.request({ type: "register", user, password });
    await client.request({ type: "login", user, password });
    return client;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends raw text or bytes as they are. */
  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  send(frame: Frame): string {
    const id = typeof frame["id"] === "string" ? frame["id"] : `r${this.nextId++}`;
    this.socket.send(JSON.stringify({ ...frame, id }));
    return id;
  }

  /** Sends a request and resolves with its answer (ok, pong or error). */
  async request(frame: Frame, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Frame> {
    const id = this.send(frame);
    const answer = await this.waitFor((candidate) => candidate["id"] === id, timeoutMs, `answer to ${frame.type} ${id}`);
    return answer;
  }

  /** Sends a request that must succeed; throws with the error frame otherwise. */
  async ok(frame: Frame, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Frame> {
    const answer = await this.request(frame, timeoutMs);
    if (answer.type !== "ok" && answer.type !== "pong") throw new Error(`${frame.type} failed: ${JSON.stringify(answer)}`);
    return answer;
  }

  /** Resolves with the first frame (already received or arriving) that matches. */
  waitFor(match: (frame: Frame) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS, what = "frame"): Promise<Frame> {
    const index = this.received.findIndex(match);
    if (index >= 0) return Promise.resolve(this.received.splice(index, 1)[0] as Frame);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received: ${JSON.stringify(this.received.slice(-5))}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  waitForType(type: string, match: (frame: Frame) => boolean = () => true, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Frame> {
    return this.waitFor((frame) => frame.type === type && match(frame), timeoutMs, `a "${type}" frame`);
  }

  /** Resolves with `count` frames of a type, in arrival order. */
  async collect(type: string, count: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Frame[]> {
    const frames: Frame[] = [];
    for (let i = 0; i < count; i++) frames.push(await this.waitForType(type, () => true, timeoutMs));
    return frames;
  }

  /** Frames of a type received so far and not taken by a waiter. */
  pending(type: string): Frame[] {
    return this.received.filter((frame) => frame.type === type);
  }

  closed(): Promise<number> {
    return this.closedPromise;
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    await this.closedPromise;
  }

  private onFrame(frame: Frame): void {
    this.transcript.push(frame);
    for (const waiter of this.waiters) {
      if (waiter.match(frame)) {
        clearTimeout(waiter.timer);
        this.waiters.delete(waiter);
        waiter.resolve(frame);
        return;
      }
    }
    this.received.push(frame);
  }
}
