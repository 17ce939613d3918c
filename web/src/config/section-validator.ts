/**
 * The server's configuration validator, run in the browser on a section before it is sent: the same
 * schema and cross-field rules as PUT /api/config/:section (src/config/schema.ts), and the same message
 * text for each field as the API's `fields` answer. This module is only imported by the settings
 * pages, so the schema travels in their chunk and never in the status page's first load.
 *
 * Secrets arrive redacted (`[redacted]` stands for "unchanged"); the server puts the stored value back
 * before it validates, so a field still holding the marker is not judged here.
 */
import './zod-no-eval';
import { formatFieldError, formatPath } from '../../../src/config/errors.js';
import { validateConfig } from '../../../src/config/schema.js';
import { restoreRedacted } from '../../../src/config/restore-redacted.js';
import { isSecretPath, REDACTED } from '../../../src/config/secret-fields.js';

export interface FieldMessage {
  path: string;
  message: string;
}

/** The message for a field as the API's 400 `fields` list gives it (config-routes.ts). */
export function apiFieldMessage(e: { path: string; message: string }): FieldMessage {
  return { path: e.path, message: formatFieldError(e).slice(e.path.length + 2) };
}

/**
 * Stand-ins for unchanged secrets while validating, tried in turn until the field passes: the
 * schema's secret rules differ (a PIN is digits, an SMPP password at most 8 characters, a CDR key at
 * least 16), and a redacted field must not stop the cross-field rules from running.
 */
const STAND_INS = ['0000', '00000000', '0000000000000000'];

/** A copy of `v` with each redacted secret replaced by its stand-in; `marked` collects their paths. */
function standIn(v: unknown, path: (string | number)[], pick: Map<string, number>, marked: Set<string>): unknown {
  if (v === REDACTED && isSecretPath(path)) {
    const at = formatPath(path);
    marked.add(at);
    return STAND_INS[pick.get(at) ?? 0];
  }
  if (Array.isArray(v)) return v.map((x, i) => standIn(x, [...path, i], pick, marked));
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, standIn(x, [...path, k], pick, marked)]));
  return v;
}

function within(path: string, section: string): boolean {
  return path === section || path.startsWith(`${section}.`) || path.startsWith(`${section}[`);
}

/**
 * Field errors of `section` holding `value`, the rest of the document being `others` (what GET
 * /api/config returned for this account, the section as loaded included). Only errors inside the
 * section are returned. As the API does, a redaction marker where nothing secret was loaded is
 * reported first and alone.
 */
export function validateSection(section: string, value: unknown, others: Record<string, unknown> = {}): FieldMessage[] {
  const markers = restoreRedacted(value, others[section], [section]).errors;
  if (markers.length > 0) return markers.map(apiFieldMessage);
  const pick = new Map<string, number>();
  for (let round = 0; ; round++) {
    const marked = new Set<string>();
    const doc = standIn({ ...others, [section]: value }, [], pick, marked);
    const r = validateConfig(doc);
    if (r.ok) return [];
    const onStandIns = r.errors.filter((e) => marked.has(e.path));
    if (onStandIns.length > 0 && round < STAND_INS.length - 1) {
      for (const e of onStandIns) pick.set(e.path, Math.min((pick.get(e.path) ?? 0) + 1, STAND_INS.length - 1));
      continue;
    }
    return r.errors.filter((e) => within(e.path, section) && !marked.has(e.path)).map(apiFieldMessage);
  }
}
