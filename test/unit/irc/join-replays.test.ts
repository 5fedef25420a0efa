import assert from "node:assert/strict";
import { parseIrcLine } from "../../../src/adapters/irc/irc-line.js";
import { JoinReplays } from "../../../src/adapters/irc/join-replays.js";

const SERVER = { caseMapping: "rfc1459", chanTypes: "#&", prefixes: "@+" } as const;
const isSelf = (nick: string | undefined): boolean => nick?.toLowerCase() === "sbgate";

/** Reads `lines` in order; what each was judged (true: replayed history), and the counts reported. */
function judge(lines: readonly string[], replays?: JoinReplays): { judged: boolean[]; reported: Array<[string, number]> } {
  const reported: Array<[string, number]> = [];
  const reader = replays ?? new JoinReplays((channel, count) => reported.push([channel, count]));
  const judged = lines.map((text) => {
    const line = parseIrcLine(text);
    assert.ok(line, text);
    return reader.isReplayed(line, isSelf, SERVER);
  });
  return { judged, reported };
}

const JOIN = "@time=2026-12-07T03:00:10.500Z :sbgate!sb@h JOIN #Dev";

describe("JoinReplays (channel history replayed at a join is not news)", () => {
  it("takes the lines of a chathistory batch as replayed, whatever their time, and reports their count at its end", () => {
    const { judged, reported } = judge([
      JOIN,
      "@time=2026-12-07T03:00:10.500Z :irc.test BATCH +1 chathistory :#dev",
      "@time=2026-12-07T03:00:10.000Z;batch=1 :bob!b@h PRIVMSG #dev :said in the second of the join",
      "@time=2026-12-07T03:00:11.000Z;batch=1 :bob!b@h NOTICE #dev :stamped later, still in the batch",
      "@time=2026-12-07T03:00:10.500Z :irc.test BATCH :-1",
      "@time=2026-12-07T03:00:12.000Z :bob!b@h PRIVMSG #dev :live",
    ]);
    assert.deepEqual(judged, [false, false, true, true, false, false]);
    assert.deepEqual(reported, [["#Dev", 2]]);
  });

  it("knows the other history batch types, and a batch nested in one", () => {
    const { judged } = judge([
      JOIN,
      ":irc.test BATCH +a draft/chathistory #dev",
      "@batch=a :bob!b@h PRIVMSG #dev :draft",
      ":irc.test BATCH -a",
      ":znc.in BATCH +z znc.in/playback #dev",
      "@batch=z :irc.test BATCH +inner other",
      "@batch=inner :bob!b@h PRIVMSG #dev :nested",
      ":znc.in BATCH -inner",
      ":znc.in BATCH -z",
      ":irc.test BATCH +n netjoin irc.a irc.b",
      "@batch=n :bob!b@h PRIVMSG #dev :in a batch that is no history",
    ]);
    assert.deepEqual(judged, [false, false, true, false, false, false, true, false, false, false, false]);
  });

  it("takes a channel line stamped before the server's stamp of our JOIN echo as replayed, one at or after it as live", () => {
    const { judged, reported } = judge([
      JOIN,
      "@time=2026-12-07T02:59:00.000Z :bob!b@h PRIVMSG #dev :a minute before",
      "@time=2026-12-07T03:00:10.000Z :bob!b@h PRIVMSG @#DEV :the same second, whole (a STATUSMSG)",
      "@time=2026-12-07T03:00:10.500Z :bob!b@h PRIVMSG #dev :the same moment",
      "@time=2026-12-07T03:00:09.000Z :bob!b@h PRIVMSG #other :a channel not joined",
      "@time=2026-12-07T03:00:09.000Z :bob!b@h PRIVMSG sbgate :a query played back",
    ]);
    assert.deepEqual(judged, [false, true, true, false, false, false]);
    assert.deepEqual(reported, [["#Dev", 2]]);
  });

  it("takes our own nick's old lines as replayed too (no echo of a line just sent)", () => {
    assert.deepEqual(judge([JOIN, "@time=2026-12-07T03:00:01.000Z :sbgate!sb@h PRIVMSG #dev :said by the gateway before"]).judged, [false, true]);
  });

  it("judges by time only with a stamped JOIN echo, and by the time of the latest join", () => {
    const { judged, reported } = judge([
      ":sbgate!sb@h JOIN #dev",
      "@time=2026-12-07T02:00:00.000Z :bob!b@h PRIVMSG #dev :no stamp on the join: taken as said",
      "@time=2026-12-07T03:00:10.000Z :op!o@h KICK #dev sbgate :out",
      JOIN,
      "@time=2026-12-07T03:00:10.400Z :bob!b@h PRIVMSG #dev :before the rejoin",
      "@time=2026-12-07T03:00:11.000Z :sbgate!sb@h PART #dev",
      "@time=2026-12-07T03:00:00.000Z :bob!b@h PRIVMSG #dev :not in the channel",
    ]);
    assert.deepEqual(judged, [false, false, false, false, true, false, false]);
    assert.deepEqual(reported, [["#Dev", 1]]);
  });

  it("takes the server's chanhistory NOTICE as part of the replay, but not the same words from a user", () => {
    const { judged } = judge([
      JOIN,
      "@time=2026-12-07T03:00:10.500Z :irc.inspircd.test NOTICE #dev :Replaying up to 10 lines of pre-join history from the last 1 day",
      "@time=2026-12-07T03:00:11.000Z :bob!b@h NOTICE #dev :Replaying up to 10 lines of pre-join history",
      "@time=2026-12-07T03:00:11.000Z :irc.inspircd.test NOTICE #dev :another server notice",
    ]);
    assert.deepEqual(judged, [false, true, false, false]);
  });

  it("reports what it counted when the connection closes", () => {
    const reported: Array<[string, number]> = [];
    const replays = new JoinReplays((channel, count) => reported.push([channel, count]));
    judge([JOIN, "@time=2026-12-07T03:00:00.000Z :bob!b@h PRIVMSG #dev :old"], replays);
    assert.deepEqual(reported, []);
    replays.close();
    assert.deepEqual(reported, [["#Dev", 1]]);
  });
});
