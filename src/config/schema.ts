/**
 * The cellgate configuration document (zod 4), with defaults so that `{}` is a complete configuration.
 * Every key is described in docs/configuration.md.
 *
 * Validation is in two passes: the schema checks each field on its own (type, range, format, unknown
 * keys); when that passes, `crossFieldErrors` checks rules that relate fields (unique ids, ports and
 * IMEIs, "manual" operator selection needs a PLMN, ...). Errors are `{ path, message }` pairs whose
 * message names what was expected and what was found, e.g.
 * `http.port: expected an integer from 1 to 65535, got "abc"`. Messages name the received value with the
 * `RECEIVED` placeholder; `issuesToFieldErrors` fills it in, without the value for secret fields
 * (secret-fields.ts), so no schema message shows a password, key or PIN.
 *
 * This file assembles the document and validates it; the leaf helpers are in schema-helpers.ts, the
 * sections in schema-lines.ts, schema-policy.ts, schema-messaging.ts and schema-sip.ts.
 */
import { z } from 'zod';
import { describeValue, fillReceived, formatPath, type FieldError, type ValidationResult } from './errors.js';
import { didYouMean } from './did-you-mean.js';
import { bool, expected, int, listenHost, obj, oneOf, pattern, text, timeZone, UNKNOWN_KEYS_MARK, webOrigin, type IssueLike } from './schema-helpers.js';
import { lineSchema, SLOTS } from './schema-lines.js';
import { policySchema } from './schema-policy.js';
import { mailSchema, messagingErrors, ownNumberSchema, smppSchema, smsSchema, ussdSchema } from './schema-messaging.js';
import { sipErrors, sipSchema } from './schema-sip.js';
import { parseDialRules } from '../routing/dial-rules.js';

export { isTimeZone } from './schema-helpers.js';
export { MODEM_FAMILIES, SLOTS, type SlotLetter } from './schema-lines.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

export const MAX_LINES = 64;

export const configSchema = obj({
  device: obj({
    name: text(1, 64).default('cellgate'),
    timezone: timeZone.default('UTC'),
  }).prefault({}),
  http: obj({
    port: int(1, 65535).default(8080),
    host: listenHost.default('0.0.0.0'),
    allowedOrigins: z.array(webOrigin, { error: expected('a list of origins such as ["https://gateway.example"]') }).default(() => []),
    /** HTTPS: null (plain HTTP), "self-signed" (made at first start, kept in the data directory) or PEM files. */
    tls: z
      .union(
        [
          z.literal('self-signed'),
          obj({
            certFile: pattern(/^\/\S+$/, 'an absolute path to a PEM certificate'),
            keyFile: pattern(/^\/\S+$/, 'an absolute path to a PEM private key'),
          }),
        ],
        { error: expected('null, "self-signed" or { "certFile", "keyFile" }') },
      )
      .nullable()
      .default(null),
  }).prefault({}),
  log: obj({ level: oneOf(LOG_LEVELS).default('info') }).prefault({}),
  modems: obj({
    autoDetect: bool().default(true),
    probeIntervalMs: int(250, 10_000).default(3000),
    unresponsiveAfterMs: int(1000, 10_000).default(8000),
    commandTimeoutMs: int(100, 600_000).default(5000),
  }).prefault({}),
  security: obj({ allowImeiWrite: bool().default(false) }).prefault({}),
  policy: policySchema.prefault({}),
  simulator: obj({
    mode: oneOf(['auto', 'on', 'off']).default('auto'),
    modems: int(1, MAX_LINES).default(4),
    timing: oneOf(['realistic', 'fast', 'zero']).default('realistic'),
    controlPort: int(0, 65535).default(8081),
    controlHost: listenHost.default('127.0.0.1'),
  }).prefault({}),
  sms: smsSchema.prefault({}),
  mail: mailSchema.nullable().default(null),
  smpp: smppSchema.prefault({}),
  ussd: ussdSchema.prefault({}),
  calls: obj({ ringTimeoutSec: int(1, 600).default(30) }).prefault({}),
  sip: sipSchema.prefault({}),
  ownNumber: ownNumberSchema.prefault({}),
  lines: z
    .array(lineSchema, { error: expected('a list of lines') })
    .max(MAX_LINES, {
      error: (iss: IssueLike) =>
        `expected at most ${MAX_LINES} lines, got ${Array.isArray(iss.input) ? iss.input.length : describeValue(iss.input)}`,
    })
    // A line without "id" gets its position + 1 (the first line is 1).
    .transform((lines) => lines.map((l, i) => ({ ...l, id: l.id ?? i + 1 })))
    .default(() => []),
}, 'a JSON object');

/** What the configuration file may contain (every key optional). */
export type ConfigInput = z.input<typeof configSchema>;
/** A validated configuration with every default filled in. */
export type Config = z.output<typeof configSchema>;
export type LineConfig = Config['lines'][number];
export type SimSwitchConfig = LineConfig['simSwitch'];
export type ImeiWriteConfig = LineConfig['imeiWrite'];
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The policy's top-level keys ("sections"): PUT /api/policy must name each, PATCH names some. */
export const POLICY_SECTIONS: readonly string[] = Object.keys(policySchema.shape);

// ---------------------------------------------------------------------------------------------
// Validation

/**
 * A rule about a valid document that the configuration cannot judge alone, given by a layer that knows
 * more (e.g. which modem families have a built-in dual-SIM command set). Never throws.
 */
export type ConfigRule = (cfg: Config) => FieldError[];

/**
 * Validates a parsed JSON document: schema, then cross-field rules, then the `rules` the caller adds.
 * Never throws.
 */
export function validateConfig(doc: unknown, rules: readonly ConfigRule[] = []): ValidationResult<Config> {
  // reportInput: issuesToFieldErrors needs each issue's input to fill in RECEIVED.
  const r = configSchema.safeParse(doc, { reportInput: true });
  if (!r.success) return { ok: false, errors: issuesToFieldErrors(r.error.issues) };
  const errors = [...crossFieldErrors(r.data, doc), ...rules.flatMap((rule) => rule(r.data))];
  return errors.length === 0 ? { ok: true, value: r.data } : { ok: false, errors };
}

/** The configuration `{}` stands for. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}

/**
 * zod issues as field errors; an unknown-keys issue becomes one error per key with a suggestion.
 * `RECEIVED` in a message becomes the issue's input as `describeReceived` renders it (the schema must
 * be parsed with `reportInput: true` for the input to be there).
 */
export function issuesToFieldErrors(issues: ReadonlyArray<z.core.$ZodIssue>): FieldError[] {
  const out: FieldError[] = [];
  for (const iss of issues) {
    if (iss.code === 'unrecognized_keys') {
      let known: string[] = [];
      if (iss.message.startsWith(UNKNOWN_KEYS_MARK)) {
        try {
          known = JSON.parse(iss.message.slice(UNKNOWN_KEYS_MARK.length)) as string[];
        } catch {
          known = [];
        }
      }
      for (const key of iss.keys) {
        const guess = didYouMean(key, known);
        const message = guess
          ? `unknown key (did you mean ${JSON.stringify(guess)}?)`
          : known.length > 0
            ? `unknown key (expected one of: ${known.join(', ')})`
            : 'unknown key';
        out.push({ path: formatPath([...iss.path, key]), message });
      }
      continue;
    }
    out.push({ path: formatPath(iss.path), message: fillReceived(iss.message, iss.path, iss.input) });
  }
  return out;
}

function rawLine(doc: unknown, i: number): Record<string, unknown> | undefined {
  const lines = (doc as { lines?: unknown } | null)?.lines;
  const l = Array.isArray(lines) ? lines[i] : undefined;
  return typeof l === 'object' && l !== null ? (l as Record<string, unknown>) : undefined;
}

/**
 * Rules that relate fields to each other. `doc` is the document as written (to tell a defaulted id
 * from one the operator wrote).
 */
export function crossFieldErrors(cfg: Config, doc?: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const add = (path: string, message: string) => errors.push({ path, message });

  if (cfg.modems.unresponsiveAfterMs <= cfg.modems.probeIntervalMs) {
    add(
      'modems.unresponsiveAfterMs',
      `expected more than modems.probeIntervalMs (${cfg.modems.probeIntervalMs}), got ${cfg.modems.unresponsiveAfterMs}`,
    );
  } else {
    // A hung modem is condemned at most probeIntervalMs + min(unresponsiveAfterMs / 2, 4000) after it
    // last spoke (src/line/line.ts, silenceDue); keep that within the promised 10 s.
    const worst = cfg.modems.probeIntervalMs + Math.min(cfg.modems.unresponsiveAfterMs / 2, 4000);
    if (worst > 10_000) {
      add(
        'modems.probeIntervalMs',
        `expected at most ${10_000 - Math.min(cfg.modems.unresponsiveAfterMs / 2, 4000)} with modems.unresponsiveAfterMs ${cfg.modems.unresponsiveAfterMs} (a hung modem must be found within 10 s), got ${cfg.modems.probeIntervalMs}`,
      );
    }
  }

  const firstById = new Map<number, number>();
  const firstByPort = new Map<string, number>();
  const firstByUsb = new Map<string, number>();
  const firstByImei = new Map<string, number>();
  const unique = (map: Map<string, number>, value: string | undefined, i: number, key: string) => {
    if (value === undefined) return;
    const prev = map.get(value);
    if (prev === undefined) map.set(value, i);
    else add(`lines[${i}].${key}`, `${JSON.stringify(value)} is already used by lines[${prev}]`);
  };

  cfg.lines.forEach((line, i) => {
    const at = `lines[${i}]`;
    if (line.port === undefined && line.usbPath === undefined && line.imei === undefined) {
      add(at, 'expected "port", "usbPath" or "imei" to find the modem of this line');
    }
    const prevId = firstById.get(line.id);
    if (prevId === undefined) firstById.set(line.id, i);
    else {
      const defaulted = rawLine(doc, i)?.id === undefined;
      add(
        `${at}.id`,
        `duplicate id ${line.id} (also used by lines[${prevId}]${defaulted ? '; a line without "id" gets its position + 1' : ''})`,
      );
    }
    unique(firstByPort, line.port, i, 'port');
    unique(firstByUsb, line.usbPath, i, 'usbPath');
    unique(firstByImei, line.imei, i, 'imei');

    if (line.operator.mode === 'manual' && line.operator.plmn === undefined) {
      add(`${at}.operator.plmn`, 'missing; expected a PLMN of 5 or 6 digits (MCC + MNC) such as "26201" when operator.mode is "manual"');
    }

    const iw = line.imeiWrite;
    if (iw.mode !== 'off' && !cfg.security.allowImeiWrite) {
      add(`${at}.imeiWrite.mode`, `expected "off" unless security.allowImeiWrite is true, got ${JSON.stringify(iw.mode)}`);
    }
    if (iw.mode === 'per-line' && iw.imei === undefined) {
      add(`${at}.imeiWrite.imei`, 'missing; expected the 15-digit IMEI to write when imeiWrite.mode is "per-line"');
    }
    if (iw.mode === 'per-sim' && (iw.perSim === undefined || SLOTS.every((s) => iw.perSim?.[s] === undefined))) {
      add(`${at}.imeiWrite.perSim`, 'missing; expected an IMEI for at least one slot, such as {"A": "490154203237518"}, when imeiWrite.mode is "per-sim"');
    }

    // A dual-SIM switch without "family" or "commands" on a line of a fixed family is checked where the
    // line is built (src/line/sim-switch-config.ts): which family has a built-in set is the drivers' knowledge.
    if (line.simSwitch.backend === 'dual-sim') {
      for (const s of ['C', 'D'] as const) {
        if (line.pins[s] !== undefined) add(`${at}.pins.${s}`, 'slot does not exist: a dual-SIM modem has slots A and B');
        if (iw.perSim?.[s] !== undefined) add(`${at}.imeiWrite.perSim.${s}`, 'slot does not exist: a dual-SIM modem has slots A and B');
      }
    }
  });

  // A switch board's control port cannot also be a modem's AT port.
  cfg.lines.forEach((line, i) => {
    const sw = line.simSwitch;
    if (sw.backend !== 'serial') return;
    const owner = firstByPort.get(sw.port);
    if (owner !== undefined) add(`lines[${i}].simSwitch.port`, `${JSON.stringify(sw.port)} is the modem port of lines[${owner}]`);
  });

  messagingErrors(cfg, add);
  sipErrors(cfg.sip, add, parseDialRules);
  return errors;
}
