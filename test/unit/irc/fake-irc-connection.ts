/**
 * Fakes for the unit tests of the IRC adapter's stateful modules (puppet-pool.ts, contact-watch.ts):
 * - FakeIrcConnection: the parts of IrcConnection those modules use (nick, server, send, quit, destroy,
 *   on/off), recording every line and letting the test emit the connection's events;
 * - FakeClock: a clock and the global setTimeout/setInterval (and their clear functions) that only move when
 *   the test says so, running due timers in order, each at its own time, with promise continuations settled
 *   in between. Mocha keeps its own references to the real timers, so its timeouts are not affected.
 */
import { GatewayError } from "../../../src/core/errors.js";
import type { IrcConnection, IrcConnectionEvents } from "../../../src/adapters/irc/irc-connection.js";
import { TypedEmitter, type Listener } from "../../../src/adapters/irc/typed-emitter.js";

export interface SentLine {
  readonly command: string;
  readonly params: readonly string[];
}

export interface FakeServer {
  awayLen?: number;
  monitor?: number;
  lineLen: number;
  nickLen?: number;
  /** ISUPPORT tokens (channel-list.ts reads ELIST). */
  isupport: Map<string, string>;
}

export class FakeIrcConnection {
  readonly sent: SentLine[] = [];
  /** The reasons of each quit() call. */
  readonly quits: string[] = [];
  destroyed = false;
  closed = false;
  readonly server: FakeServer = { lineLen: 512, isupport: new Map() };
  /** Errors thrown by listeners of this connection's events (the emitter catches them). */
  readonly listenerErrors: unknown[] = [];
  private readonly events = new TypedEmitter<IrcConnectionEvents>((_event, error) => this.listenerErrors.push(error));

  constructor(public nick: string) {}

  /** The fake as the type the code under test takes (it implements only what that code uses). */
  get asConnection(): IrcConnection {
    return this as unknown as IrcConnection;
  }

  /** Each sent line as "COMMAND param param" (parameters joined by a space). */
  get lines(): string[] {
    return this.sent.map((line) => [line.command, ...line.params].join(" "));
  }

  send(command: string, params: readonly string[], done?: (error?: GatewayError) => void): void {
    if (this.closed) throw new GatewayError("GW_ERR_UNAVAILABLE", "the IRC connection is closed", { retryable: true });
    this.sent.push({ command, params: [...params] });
    done?.();
  }

  async quit(reason = "Switchboard"): Promise<void> {
    this.quits.push(reason);
    this.close(true);
  }

  destroy(): void {
    this.destroyed = true;
    this.close(true);
  }

  /** The connection ends (by us, or the server closed it). */
  close(byUs: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.events.emit("closed", { byUs });
  }

  on<K extends keyof IrcConnectionEvents>(event: K, listener: Listener<IrcConnectionEvents[K]>): this {
    this.events.on(event, listener);
    return this;
  }

  off<K extends keyof IrcConnectionEvents>(event: K, listener: Listener<IrcConnectionEvents[K]>): this {
    this.events.off(event, listener);
    return this;
  }

  emit<K extends keyof IrcConnectionEvents>(event: K, payload: IrcConnectionEvents[K]): void {
    this.events.emit(event, payload);
  }

  listenerCount(event: keyof IrcConnectionEvents): number {
    return this.events.listenerCount(event);
  }
}

/** Lets every promise continuation that is ready run (one turn of the event loop). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface FakeTimer {
  readonly id: number;
  at: number;
  readonly repeat: number | undefined;
  readonly callback: () => void;
}

type TimerHandle = { readonly fakeTimerId: number; ref(): TimerHandle; unref(): TimerHandle; hasRef(): boolean; [Symbol.toPrimitive](): number };

export class FakeClock {
  now = 1_000_000;
  private timers: FakeTimer[] = [];
  private nextId = 1;
  private saved: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout; setInterval: typeof setInterval; clearInterval: typeof clearInterval } | undefined;

  readonly clock = (): number => this.now;

  /** Timers set and not yet run (or cleared); intervals count until cleared. */
  get pending(): number {
    return this.timers.length;
  }

  install(): void {
    if (this.saved) return;
    this.saved = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout, setInterval: globalThis.setInterval, clearInterval: globalThis.clearInterval };
    const add = (callback: (...args: unknown[]) => void, delay: unknown, repeat: boolean, args: unknown[]): TimerHandle => {
      const ms = Math.max(repeat ? 1 : 0, Number(delay) || 0);
      const timer: FakeTimer = { id: this.nextId++, at: this.now + ms, repeat: repeat ? ms : undefined, callback: () => callback(...args) };
      this.timers.push(timer);
      const handle: TimerHandle = {
        fakeTimerId: timer.id,
        ref: () => handle,
        unref: () => handle,
        hasRef: () => false,
        [Symbol.toPrimitive]: () => timer.id,
      };
      return handle;
    };
    const clear = (handle: unknown): void => {
      const id = typeof handle === "object" && handle !== null && "fakeTimerId" in handle ? (handle as TimerHandle).fakeTimerId : Number(handle);
      this.timers = this.timers.filter((timer) => timer.id !== id);
    };
    globalThis.setTimeout = ((callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => add(callback, delay, false, args)) as unknown as typeof setTimeout;
    globalThis.setInterval = ((callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => add(callback, delay, true, args)) as unknown as typeof setInterval;
    globalThis.clearTimeout = clear as typeof clearTimeout;
    globalThis.clearInterval = clear as typeof clearInterval;
  }

  uninstall(): void {
    if (!this.saved) return;
    globalThis.setTimeout = this.saved.setTimeout;
    globalThis.clearTimeout = this.saved.clearTimeout;
    globalThis.setInterval = this.saved.setInterval;
    globalThis.clearInterval = this.saved.clearInterval;
    this.saved = undefined;
    this.timers = [];
  }

  /** Moves time forward by `ms`, running each due timer at its own time, with promise continuations settled after each. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    await flush();
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.now = next.at;
      if (next.repeat === undefined) this.timers = this.timers.filter((timer) => timer !== next);
      else next.at += next.repeat;
      next.callback();
      await flush();
    }
    this.now = end;
    await flush();
  }

  /** Runs timers, one due time after the other, until the promise settles; fails if it does not within `limitMs`. */
  async settle<T>(promise: Promise<T>, limitMs = 60_000): Promise<T> {
    let settled = false;
    const watched = promise.finally(() => (settled = true));
    watched.catch(() => undefined);
    const end = this.now + limitMs;
    await flush();
    while (!settled) {
      const next = this.nextDue(end);
      if (!next) throw new Error(`the promise did not settle within ${limitMs} ms of fake time`);
      await this.advance(next.at - this.now);
    }
    return watched;
  }

  private nextDue(end: number): FakeTimer | undefined {
    let next: FakeTimer | undefined;
    for (const timer of this.timers) if (timer.at <= end && (next === undefined || timer.at < next.at)) next = timer;
    return next;
  }
}
