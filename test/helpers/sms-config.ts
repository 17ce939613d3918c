/**
 * The `sms` and `smpp` configuration sections for tests and benchmarks: the defaults of
 * src/config/schema.ts (what the configuration `{}` stands for), then what the caller overrides, so a
 * test names only the settings it depends on.
 */
import { defaultConfig, type Config } from '../../src/config/schema.js';
import type { SmppConfig, SmsConfig } from '../../src/config/schema-messaging.js';

let parsed: Config | undefined;

/** A fresh copy of the defaults: the schema is parsed once, and no caller shares nested objects with another. */
function defaults(): Config {
  parsed ??= defaultConfig();
  return structuredClone(parsed);
}

/** The `sms` section with the schema's defaults, then `over`. */
export function smsConfig(over: Partial<SmsConfig> = {}): SmsConfig {
  return { ...defaults().sms, ...over };
}

/** The `smpp` section with the schema's defaults, but enabled on 127.0.0.1 with port 0 (the OS picks one), then `over`. */
export function smppConfig(over: Partial<SmppConfig> = {}): SmppConfig {
  return { ...defaults().smpp, enabled: true, host: '127.0.0.1', port: 0, ...over };
}
