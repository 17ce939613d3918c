/**
 * Wires the daemon: data directory → configuration → admin account → lines → JSON API.
 * `startDaemon` returns once the API listens; modems come up in the background.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { AuthStore } from './config/auth-store.js';
import { configFilePath, openConfig, type ConfigStore } from './config/load.js';
import { LineManager, type LineManagerOptions } from './line/line-manager.js';
import type { DeviceStatus, LineRegistry } from './line/types.js';
import type { Logger } from './util/log.js';
import { createWebApp } from './web/app.js';

export interface DaemonOptions {
  dataDir: string;
  configFile?: string;
  /** Overrides http.port from the configuration (`--http-port`). */
  httpPort?: number;
  httpHost?: string;
  log: Logger;
  /** Where the first-start admin password is printed (once). */
  out?: NodeJS.WritableStream;
  /** Test hooks for the line manager (ports of simulated modems, sysfs roots, timing). */
  lines?: Partial<Omit<LineManagerOptions, 'config' | 'log'>>;
  mode?: DeviceStatus['mode'];
}

export interface Daemon {
  port: number;
  config: ConfigStore;
  auth: AuthStore;
  lines: LineManager;
  server: Server;
  stop(): Promise<void>;
}

export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    if (pkg.version) return pkg.version;
  } catch {
    /* fall through: running from another layout */
  }
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export async function startDaemon(o: DaemonOptions): Promise<Daemon> {
  const log = o.log;
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  const config = await openConfig({ file: o.configFile ?? configFilePath(o.dataDir), log });
  const cfg = config.get();
  log.level = cfg.log.level;
  log.info({ dataDir: o.dataDir, config: config.file }, 'configuration loaded');

  const auth = await AuthStore.open({ dataDir: o.dataDir, log });
  const initial = await auth.ensureAdminPassword();
  if (initial) {
    // Printed once, never logged: only its scrypt hash is stored (auth.json).
    (o.out ?? process.stdout).write(
      `\n  cellgate: first start. The web/API login is  admin / ${initial}\n` +
        `  It is shown only this once; change it with  cellgate passwd --data ${o.dataDir}\n\n`,
    );
  }

  const lines = new LineManager({ config: cfg, log, ...o.lines });
  await lines.start();

  const startedAt = Date.now();
  let lastLogin: string | null = null;
  const version = packageVersion();
  const registry: LineRegistry = {
    list: () => lines.list(),
    get: (id) => lines.get(id)?.status(),
    device: () => {
      const all = lines.list();
      return {
        name: cfg.device.name,
        version,
        uptime: Math.floor((Date.now() - startedAt) / 1000),
        startedAt: new Date(startedAt).toISOString(),
        time: new Date().toISOString(),
        timezone: cfg.device.timezone,
        mode: o.mode ?? 'hardware',
        lines: { total: all.length, registered: all.filter((l) => l.lifecycle === 'registered').length },
        node: process.version,
        platform: `${os.type()} ${os.release()} ${os.arch()}`,
        lastLogin,
      };
    },
  };
  const app = createWebApp({
    registry,
    auth,
    log,
    onLogin: () => {
      lastLogin = new Date().toISOString();
    },
  });
  const server = createServer(app.callback());
  const port = o.httpPort ?? cfg.http.port;
  const host = o.httpHost ?? cfg.http.host;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  log.info({ port: bound, host, lines: lines.list().length }, 'cellgate API listening');

  return {
    port: bound,
    config,
    auth,
    lines,
    server,
    async stop() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await lines.stop();
    },
  };
}
