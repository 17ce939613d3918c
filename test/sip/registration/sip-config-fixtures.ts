/** `sip` sections parsed by the real schema (defaults filled in), for the manager and service tests. */
import { sipSchema, type SipConfig } from '../../../src/config/schema-sip.js';

export function sipConfig(input: Record<string, unknown>): SipConfig {
  return sipSchema.parse(input);
}

export const pbxAccount = (authId: string, over: Record<string, unknown> = {}) => ({ authId, password: 'pa55-secret', registrar: 'pbx.example.com', ...over });
