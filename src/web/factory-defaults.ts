/**
 * What a factory reset (POST /api/system/factory-reset) puts in place of the configuration: the
 * defaults, except the settings that decide how the operator reaches the gateway, so that the page
 * that asked for the reset can still talk to it afterwards (docs/decisions/0055-system-tools.md):
 *  - `http` whole: listen host and port, HTTPS (its certificate files), the allowed origins;
 *  - `sip.host`, `sip.port` and `sip.tls` (its port and certificate files): where phones and PBXes
 *    find it. SIP accounts, trunks and extensions are reset.
 * Pure: takes the current configuration, returns the candidate document (validated by the store).
 */
import type { Config } from '../config/schema.js';

/** The settings a factory reset keeps, as paths (answered and documented). */
export const KEPT_ON_FACTORY_RESET: readonly string[] = ['http', 'sip.host', 'sip.port', 'sip.tls'];

export function factoryConfig(current: Config): Record<string, unknown> {
  return {
    http: structuredClone(current.http),
    sip: { host: current.sip.host, port: current.sip.port, tls: structuredClone(current.sip.tls) },
  };
}
