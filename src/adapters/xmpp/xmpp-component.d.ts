/**
 * The parts of @xmpp/component 0.13 (CommonJS, no published types) that the component adapter uses.
 * Elements are ltx elements, as everywhere in @xmpp.
 */
declare module "@xmpp/component" {
  import type { Element } from "ltx";
  import type { EventEmitter } from "node:events";

  export interface IqContext {
    readonly stanza: Element;
    readonly element: Element;
    /** JID objects of @xmpp/jid: compare their toString(), or read the stanza's attributes. */
    readonly from: { toString(): string };
    readonly to: { toString(): string };
  }

  /** An element for the result, an <error/> element for an error reply, true for an empty result. */
  export type IqReply = Element | true | undefined;

  export interface Component extends EventEmitter {
    status: string;
    /** The stream parser class; replaceable per instance before start(). */
    Parser: new () => { write(chunk: string): void; emit(event: string, ...args: unknown[]): boolean };
    start(): Promise<unknown>;
    /** What component() was given; start() (and connection-lifecycle.ts startConnection) reads service and domain. */
    readonly options: { readonly service: string; readonly domain: string; readonly lang?: string | undefined };
    /** The steps of start(): the socket, then the stream header (resolves once the server's header came). */
    connect(service: string): Promise<unknown>;
    open(options: { domain: string; lang?: string | undefined }): Promise<unknown>;
    stop(): Promise<unknown>;
    send(element: Element): Promise<void>;
    /** The stream's TCP socket while connected (net.Socket), else null. */
    readonly socket: { cork(): void; uncork(): void; setNoDelay?(noDelay: boolean): unknown } | null;
    readonly reconnect: { stop(): void };
    readonly middleware: { use(handler: (context: IqContext, next: () => Promise<unknown>) => unknown): void };
    /** Resolves with the result iq; rejects with @xmpp/middleware's StanzaError (its `condition`) or a TimeoutError. */
    readonly iqCaller: { request(stanza: Element, timeoutMs?: number): Promise<Element> };
    readonly iqCallee: {
      get(ns: string, name: string, handler: (context: IqContext) => IqReply | Promise<IqReply>): void;
      set(ns: string, name: string, handler: (context: IqContext) => IqReply | Promise<IqReply>): void;
    };
  }

  export function component(options: { service: string; domain: string; password: string }): Component;
  export function xml(name: string, attrs?: Record<string, string | undefined> | null, ...children: (Element | string)[]): Element;
}
