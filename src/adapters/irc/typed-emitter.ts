/**
 * A small typed event emitter whose listeners can never throw into the caller of emit(): irc-framework
 * emits from inside its socket's "data" handler, where an exception would end the process (EventEmitter3
 * catches nothing). A listener that throws is reported to `onListenerError` and the other listeners still run.
 */

export type Listener<T> = (payload: T) => void;

type ListenerSets<Events> = { [K in keyof Events]?: Set<Listener<Events[K]>> };

/** One event of the map, as a value: `{ name, payload }`. */
export type EventOf<Events> = { [K in keyof Events]: { readonly name: K; readonly payload: Events[K] } }[keyof Events];

export class TypedEmitter<Events> {
  private readonly listeners: ListenerSets<Events> = {};

  constructor(private readonly onListenerError: (event: keyof Events, error: unknown) => void) {}

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    const set = this.listeners[event] ?? new Set<Listener<Events[K]>>();
    set.add(listener);
    this.listeners[event] = set;
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.listeners[event]?.delete(listener);
  }

  listenerCount(event: keyof Events): number {
    return this.listeners[event]?.size ?? 0;
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners[event];
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (error: unknown) {
        try {
          this.onListenerError(event, error);
        } catch {
          // The error reporter itself failed (a broken logger): nothing is left to tell.
        }
      }
    }
  }

  /** emit() for an event held as a value. */
  emitEvent(event: EventOf<Events>): void {
    this.emit(event.name, event.payload);
  }

  removeAll(): void {
    for (const key of Object.keys(this.listeners) as Array<keyof Events>) delete this.listeners[key];
  }
}
