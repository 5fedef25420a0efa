import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Daemon, ROOT, runCli, uniqueUser } from "../helpers/daemon.js";
import { NativeClient } from "../helpers/native-client.js";

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve({ server, port: typeof address === "object" && address ? address.port : 0 });
    });
  });
}

describe("the switchboard daemon", function () {
  it("runs the embedded default without a config: native protocol on 127.0.0.1:7117, store in ./data", async function () {
    const dir = mkdtempSync(join(tmpdir(), "switchboard-default-"));
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, [join(ROOT, "bin", "switchboard.js"), "start"], { cwd: dir });
    try {
      let output = "";
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not started: ${output}`)), 15000);
        child.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('"msg":"switchboard started"')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once("exit", (code) => reject(new Error(`exited with ${code}: ${output}`)));
      });
      assert.match(output, /"host":"127\.0\.0\.1","port":7117/);
      const client = await NativeClient.connect("ws://127.0.0.1:7117/");
      assert.equal((await client.ok({ type: "hello", version: 1 }))["version"], 1);
      await client.close();
      assert.ok(existsSync(join(dir, "data", "switchboard.db")), "the store is created under ./data");
      // Without a configuration file there is nothing to reload: SIGHUP (a closed terminal) stops it cleanly.
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGHUP");
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 0 within 5 s on SIGTERM and SIGINT, with clients connected", async function () {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const daemon = Daemon.create();
      await daemon.start();
      const client = await NativeClient.session(daemon.url, uniqueUser("sig"), "correct horse battery", { register: true });
      const closed = client.closed();
      const { code, ms } = await daemon.stop(signal);
      assert.equal(code, 0, signal);
      assert.ok(ms < 5000, `${signal}: stopped in ${ms} ms`);
      assert.equal(await closed, 1001, "clients are told the server is going away");
      await daemon.dispose();
    }
  });

  it("logs each message's way at log level debug (accepted for whom, delivered to whom), never what it says", async function () {
    const daemon = Daemon.create("log:\n  level: debug\n");
    await daemon.start();
    try {
      const [annName, benName, cyName] = [uniqueUser("ann"), uniqueUser("ben"), uniqueUser("cy")];
      const ann = await NativeClient.session(daemon.url, annName, "correct horse battery", { register: true });
      const ben = await NativeClient.session(daemon.url, benName, "correct horse battery", { register: true });
      await (await NativeClient.session(daemon.url, cyName, "correct horse battery", { register: true })).close();
      const toBen = String((await ann.ok({ type: "message.send", to: `native:${benName}`, body: "secret plans for ben" }))["message_id"]);
      const toCy = String((await ann.ok({ type: "message.send", to: `native:${cyName}`, body: "secret plans for cy" }))["message_id"]);
      await ben.waitForType("message");
      // The log reaches the test through a pipe, the answers through a socket: waited for, not assumed.
      await daemon.waitForLog(new RegExp(`"id":"${toBen}","recipient":"native:${benName}","msg":"message delivered"`));
      await daemon.waitForLog(new RegExp(`"id":"${toCy}",[^\n]*"msg":"message accepted"`));
      const lines = daemon.log.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>);
      const accepted = lines.filter((line) => line["msg"] === "message accepted");
      assert.deepEqual(
        accepted.map((line) => [line["id"], line["from"], line["to"], line["scope"], line["recipients"]]),
        [
          [toBen, `native:${annName}`, `native:${benName}`, "direct", [`native:${benName}`]],
          [toCy, `native:${annName}`, `native:${cyName}`, "direct", [`native:${cyName}`]],
        ],
      );
      // cy is offline: the message waits, and is not said to be delivered.
      assert.ok(!lines.some((line) => line["msg"] === "message delivered" && line["id"] === toCy));
      assert.ok(!daemon.log.includes("secret plans"), "a message's text never reaches the log");
      await Promise.all([ann.close(), ben.close()]);
    } finally {
      await daemon.dispose();
    }
  });

  it("refuses a port in use with one line on stderr and exit code 1", async function () {
    const { server, port } = await listen();
    try {
      const daemon = Daemon.create(`native:\n  port: ${port}\n`);
      const result = await runCli(["start", "--config", daemon.configPath]);
      assert.equal(result.code, 1);
      assert.equal(result.stderr, `switchboard: port 127.0.0.1:${port} is already in use\n`);
      await daemon.dispose();
    } finally {
      server.close();
    }
  });

  it("refuses a missing or invalid config with the errors and exit code 1, never a stack trace", async function () {
    this.timeout(90_000);
    const dir = mkdtempSync(join(tmpdir(), "switchboard-config-"));
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "native:\n  port: nope\n  colour: blue\n");
    const mistyped = [["start", "--confg", "x.yaml"], ["start", "x.yaml"], ["start", "--config"]];
    // Each run is a process of its own: started together, they take the time of one (a loaded machine took 20 s for six in turn).
    // Seven Node processes on a machine busy with other tests may take long to load: each is given a minute.
    const run = (args: readonly string[]) => runCli(args, { timeoutMs: 60_000 });
    const [missing, invalid, extra, ...refusals] = await Promise.all([
      run(["start", "--config", "/nonexistent/switchboard.yaml"]),
      run(["start", "--config", file]),
      // A mistyped option is no reason to run the embedded default instead of the operator's file.
      run(["check-config", join(ROOT, "config", "switchboard.example.yaml"), "--extra"]),
      ...mistyped.map((args) => run(args)),
    ]);
    rmSync(dir, { recursive: true, force: true });

    assert.equal(missing?.code, 1);
    assert.match(missing?.stderr ?? "", /^switchboard: invalid configuration:\n\/nonexistent\/switchboard.yaml: cannot read the configuration file: ENOENT/);
    assert.doesNotMatch(missing?.stderr ?? "", /\n\s+at /);
    assert.equal(invalid?.code, 1);
    assert.equal(
      invalid?.stderr,
      `switchboard: invalid configuration:\n${file}:2:9: native.port: must be an integer between 0 and 65535, got "nope"\n${file}:3:3: native.colour: unknown key "colour"; expected one of: enabled, host, port, path, max_frame_bytes, rate_limit, registration, login_attempts, ping_interval_seconds, max_connections, trusted_proxies, allowed_origins, registrations_per_hour, limits\n`,
    );
    assert.deepEqual([extra?.code, /unexpected "--extra"/.test(extra?.stderr ?? "")], [1, true], extra?.stderr);
    mistyped.forEach((args, index) => {
      const refused = refusals[index];
      assert.equal(refused?.code, 1, args.join(" "));
      assert.match(refused?.stderr ?? "", args[1] === "--config" ? /--config needs a FILE/ : new RegExp(`unknown option "${args[1] ?? ""}" for start`), args.join(" "));
      assert.doesNotMatch((refused?.stdout ?? "") + (refused?.stderr ?? ""), /switchboard started/);
    });
  });

  it("refuses a database locked by another running daemon with one line and exit code 1", async function () {
    const first = Daemon.create();
    await first.start();
    try {
      const second = await runCli(["start", "--config", first.configPath]);
      assert.equal(second.code, 1);
      assert.match(second.stderr, /^switchboard: database .*switchboard\.db is locked by another process\n$/);
    } finally {
      await first.dispose();
    }
  });

  it("check-config exits 0 for a valid file and 1 with every error for an invalid one", async function () {
    const valid = await runCli(["check-config", join(ROOT, "config", "switchboard.example.yaml")], { env: { ...process.env, SWITCHBOARD_PORT: "7117" } });
    assert.equal(valid.code, 0, valid.stderr);
    assert.match(valid.stdout, /switchboard\.example\.yaml: ok/);
    const dir = mkdtempSync(join(tmpdir(), "switchboard-config-"));
    const file = join(dir, "two-errors.yaml");
    writeFileSync(file, "log:\n  level: loud\nstore:\n  driver: mysql\n");
    const invalid = await runCli(["check-config", file]);
    assert.equal(invalid.code, 1);
    assert.equal(invalid.stderr.trim().split("\n").length, 2);
    assert.match(invalid.stderr, /log\.level: must be one of/);
    assert.match(invalid.stderr, /store\.driver: must be one of/);
    rmSync(dir, { recursive: true, force: true });
  });
});
