/**
 * The metrics endpoint (config `metrics`): GET /metrics answers the gateway's figures in the Prometheus text format
 * (prometheus-text.ts). It listens on loopback by default and says nothing of anyone's messages or addresses,
 * only counts. Anything else is 404 (another path) or 405 (another method).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { MetricsConfig } from "../config/config-types.js";
import { GatewayError } from "../core/errors.js";
import type { GatewayStatusReport } from "../core/gateway-status.js";
import type { Logger } from "../core/logger.js";
import type { MessageCounters } from "../core/message-counters.js";
import { prometheusText } from "./prometheus-text.js";

export interface MetricsSources {
  readonly snapshot: () => Promise<GatewayStatusReport>;
  readonly counters: MessageCounters;
}

export class MetricsServer {
  private server: Server | undefined;

  constructor(
    private readonly config: MetricsConfig,
    private readonly sources: MetricsSources,
    private readonly log: Logger,
  ) {}

  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      const path = (request.url ?? "/").split("?")[0];
      if (path !== "/metrics") {
        response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found: the figures are at /metrics\n");
        return;
      }
      if (request.method !== "GET" && request.method !== "HEAD") {
        response.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" }).end("GET only\n");
        return;
      }
      this.sources
        .snapshot()
        .then((report) => {
          const usage = process.memoryUsage();
          const cpu = process.cpuUsage();
          const text = prometheusText(report, this.sources.counters, { residentBytes: usage.rss, heapUsedBytes: usage.heapUsed, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
          response.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(request.method === "HEAD" ? undefined : text);
        })
        .catch((error: unknown) => {
          this.log.warn({ err: error }, "metrics not read");
          response.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("the figures could not be read\n");
        });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) =>
        reject(new GatewayError("GW_ERR_CONFIG", `metrics: cannot listen on ${this.config.host}:${this.config.port}: ${error.code ?? error.message}`, { cause: error })),
      );
      server.listen(this.config.port, this.config.host, () => {
        server.removeAllListeners("error");
        resolve();
      });
    });
    server.on("error", (error: unknown) => this.log.error({ err: error }, "metrics endpoint error"));
    this.server = server;
    this.log.info({ host: this.config.host, port: this.port }, "metrics listening");
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
