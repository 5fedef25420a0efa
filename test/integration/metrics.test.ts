/**
 * The metrics endpoint (config `metrics`) of a running daemon, read as Prometheus reads it: each network's state
 * and counts, the outbox, the message counters and the process's figures, following what happens.
 */
import assert from "node:assert/strict";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { NativeClient } from "../helpers/native-client.js";

const PASSWORD = "correct horse battery";

/** The value of one sample (`name{labels}`) in an exposition, or undefined when it is not there. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("the metrics endpoint", function () {
  let daemon: Daemon;
  let base: string;

  before(async function () {
    // At debug level: the log says when a delivery ended, for the test to wait for it.
    daemon = Daemon.create("log:\n  level: debug\nmetrics:\n  enabled: true\n  port: 0\n");
    await daemon.start();
    const port = /"port":(\d+),"msg":"metrics listening"/.exec(daemon.log)?.[1];
    assert.ok(port, daemon.log);
    assert.match(daemon.log, /"host":"127\.0\.0\.1","port":\d+,"msg":"metrics listening"/, "on loopback by default");
    base = `http://127.0.0.1:${port}`;
  });

  after(async function () {
    await daemon?.dispose();
  });

  async function scrape(): Promise<string> {
    const response = await fetch(`${base}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    return response.text();
  }

  it("shows each network's state, the outbox and the messages as they go", async function () {
    const first = await scrape();
    assert.equal(sample(first, 'switchboard_adapter_up{protocol="native",account="default"}'), 1);
    assert.equal(sample(first, 'switchboard_messages_accepted_total{scope="direct"}'), 0);
    assert.ok((sample(first, "process_resident_memory_bytes") ?? 0) > 10_000_000);
    assert.match(first, /^# TYPE switchboard_deliveries_total counter$/m);

    const [annName, benName] = [uniqueUser("ann"), uniqueUser("ben")];
    const ann = await NativeClient.session(daemon.url, annName, PASSWORD, { register: true });
    await (await NativeClient.session(daemon.url, benName, PASSWORD, { register: true })).close();
    const sent = await ann.ok({ type: "message.send", to: `native:${benName}`, body: "for later" });
    const waiting = await scrape();
    assert.equal(sample(waiting, 'switchboard_messages_accepted_total{scope="direct"}'), 1);
    assert.equal(sample(waiting, "switchboard_outbox_entries"), 1, "ben is offline: it waits");
    assert.equal(sample(waiting, 'switchboard_adapter_count{protocol="native",account="default",name="sessions"}'), 1);

    const ben = await NativeClient.session(daemon.url, benName, PASSWORD);
    await ben.waitForType("message");
    await daemon.waitForLog(new RegExp(`"id":"${String(sent["message_id"])}","recipient":"native:${benName}","msg":"message delivered"`));
    const delivered = await scrape();
    assert.equal(sample(delivered, 'switchboard_deliveries_total{outcome="delivered"}'), 1);
    assert.equal(sample(delivered, "switchboard_outbox_entries"), 0);
    await Promise.all([ann.close(), ben.close()]);
  });

  it("answers other paths with 404 and other methods with 405", async function () {
    assert.equal((await fetch(`${base}/`)).status, 404);
    const post = await fetch(`${base}/metrics`, { method: "POST", body: "x" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD");
  });
});
