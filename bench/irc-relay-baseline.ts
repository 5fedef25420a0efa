/**
 * The relay floor of bench/irc.ts: the least a puppet-mode gateway between native clients and IRC channels can do
 * with the same traffic, run as its own process like the daemon. A WebSocket server, and IRC connections made with
 * the bench's lean client (bench/irc-wire.ts):
 *   - "hello" is acknowledged; "login" opens the user's puppet, an IRC connection with the nick "<user>[sb]", and
 *     is acknowledged once it is registered (no password check);
 *   - "room.join" of room R makes the relay's own connection (the listener) join the channel "#R", and is
 *     acknowledged once it has;
 *   - "room.send" to room R becomes "PRIVMSG #R :<body>" on the sender's puppet (after a JOIN of "#R", sent once,
 *     pipelined), and is acknowledged;
 *   - a PRIVMSG in "#R" heard by the listener, from a nick that is not one of the relay's puppets, becomes
 *     {"type":"message","message":{...}} on the connection of every native member of R.
 * No validation, no store, no queue, no flood control: the floor a gateway is compared against.
 *
 * Usage: irc-relay-baseline.ts <host> <port>. Prints {"msg":"relay started","port":N} once the listener is
 * registered and the WebSocket server listens; exits on SIGTERM, SIGINT or when standard input closes.
 */
import type { RawData, WebSocket } from "ws";
import { IrcWire } from "./irc-wire.js";
import { answer, exitWithBench, listenForClients, parseFrame, type RelayFrame } from "./relay-server.js";

interface Session {
  name: string;
  puppet: IrcWire | undefined;
  readonly channels: Set<string>;
}

const NETWORK = "bench";
const [host = "", portText = ""] = process.argv.slice(2);
if (host === "" || portText === "") throw new Error("usage: irc-relay-baseline.ts <host> <port>");
const port = Number(portText);

const puppetNicks = new Set<string>();
/** Room name -> the native connections of its members. */
const members = new Map<string, Set<WebSocket>>();
const listenerChannels = new Map<string, Promise<void>>();

const listener = await IrcWire.open({ host, port, nick: "relaygw" });
listener.onPrivmsg = (nick, target, text) => {
  if (target.charCodeAt(0) !== 35 /* "#" */ || puppetNicks.has(nick.toLowerCase())) return;
  const room = target.slice(1).toLowerCase();
  const sockets = members.get(room);
  if (!sockets) return;
  const frame = `{"type":"message","message":{"scope":"room","from":${JSON.stringify(`irc://${NETWORK}/${nick.toLowerCase()}`)},"to":"native:%23${room}","sender_name":${JSON.stringify(nick)},"body":${JSON.stringify(text)}}}`;
  for (const socket of sockets) socket.send(frame);
};

function joinListener(room: string): Promise<void> {
  let joined = listenerChannels.get(room);
  if (!joined) {
    joined = listener.join(`#${room}`);
    listenerChannels.set(room, joined);
  }
  return joined;
}

async function login(socket: WebSocket, session: Session, frame: RelayFrame): Promise<void> {
  if (typeof frame.user !== "string" || session.puppet) return answer(socket, frame.id, "error", "bad login");
  session.name = frame.user.toLowerCase();
  const nick = `${session.name}[sb]`;
  puppetNicks.add(nick.toLowerCase());
  session.puppet = await IrcWire.open({ host, port, nick });
  answer(socket, frame.id, "ok");
}

async function handle(socket: WebSocket, session: Session, data: RawData): Promise<void> {
  const frame = parseFrame(data);
  if (!frame) return answer(socket, undefined, "error");
  if (frame.type === "room.send") {
    const puppet = session.puppet;
    if (typeof frame.room !== "string" || typeof frame.body !== "string" || !puppet) return answer(socket, frame.id, "error");
    const room = frame.room.toLowerCase();
    if (!session.channels.has(room)) {
      session.channels.add(room);
      puppet.send(`JOIN #${room}`);
    }
    puppet.send(`PRIVMSG #${room} :${frame.body.replace(/[\r\n\0]/g, " ")}`);
    return answer(socket, frame.id, "ok");
  }
  if (frame.type === "login") return login(socket, session, frame);
  if (frame.type === "room.join" && typeof frame.room === "string") {
    const room = frame.room.toLowerCase();
    let sockets = members.get(room);
    if (!sockets) members.set(room, (sockets = new Set()));
    sockets.add(socket);
    await joinListener(room);
  }
  answer(socket, frame.id, "ok");
}

listenForClients((socket) => {
  const session: Session = { name: "", puppet: undefined, channels: new Set() };
  socket.on("message", (data) => {
    handle(socket, session, data).catch((error: unknown) => answer(socket, undefined, "error", String(error)));
  });
  socket.once("close", () => {
    for (const sockets of members.values()) sockets.delete(socket);
    void session.puppet?.close();
  });
});
exitWithBench();
