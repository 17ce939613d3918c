/**
 * A service is a part of the daemon that runs between a start and a stop (a listener, a timer, a
 * store kept open, a watch). The daemon's wiring (src/app.ts) starts its services in one ordered list
 * through a `ServiceRunner`, which stops them in the reverse order: on shutdown, and when a start fails
 * (then only the ones already started), so no teardown is written twice.
 */
import type { Logger } from '../util/log.js';

export interface Service {
  /** Names the service in logs and in a start failure. */
  readonly name: string;
  /** Brings it up. A start that fails must leave nothing of itself running (the runner does not stop it). */
  start(): Promise<void>;
  /** Takes it down; called once, and only after its start succeeded. */
  stop(): Promise<void>;
}

/** A start that failed: `service` names the service; the message is the service's own. */
export class ServiceStartError extends Error {
  constructor(
    readonly service: string,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'ServiceStartError';
  }
}

/** A service from its two halves; either may be synchronous. */
export function service(name: string, start: () => void | Promise<void>, stop: () => void | Promise<void>): Service {
  return {
    name,
    start: async () => {
      await start();
    },
    stop: async () => {
      await stop();
    },
  };
}

/**
 * A stop that runs at most once, whichever of its callers comes first. For a part whose stop must come
 * earlier on shutdown than its start's place in the list gives (the HTTP server stops taking requests
 * first): an early service and a later one share it, so a failed start still stops the part.
 */
export function once(stop: () => void | Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  return () => (done ??= Promise.resolve().then(stop));
}

export class ServiceRunner {
  /** Started services, in start order. */
  private readonly started: Service[] = [];

  constructor(private readonly log: Logger) {}

  /**
   * Starts `services` in order, after any started before. When one fails, every service started so far
   * is stopped in reverse order and the failure is thrown as a ServiceStartError.
   */
  async start(...services: Service[]): Promise<void> {
    for (const s of services) {
      try {
        await s.start();
      } catch (e) {
        await this.stop();
        throw new ServiceStartError(s.name, e);
      }
      this.started.push(s);
    }
  }

  /**
   * A resource kept open as a service (a store): `open` is its start, `close` its stop. Returns it once
   * open; a failing open is thrown as a start failure.
   */
  async open<T>(name: string, open: () => T | Promise<T>, close: (resource: T) => void | Promise<void>): Promise<T> {
    // Assigned by the start below, which this awaits; the stop runs only after a start that succeeded.
    let resource!: T;
    await this.start(
      service(
        name,
        async () => {
          resource = await open();
        },
        () => close(resource),
      ),
    );
    return resource;
  }

  /** Stops every started service, last started first. A failing stop is logged; the others still stop. */
  async stop(): Promise<void> {
    for (let s = this.started.pop(); s; s = this.started.pop()) {
      try {
        await s.stop();
      } catch (e) {
        this.log.error({ err: e, service: s.name }, `stopping ${s.name} failed`);
      }
    }
  }

  /** Names of the running services, in start order. */
  running(): string[] {
    return this.started.map((s) => s.name);
  }
}
