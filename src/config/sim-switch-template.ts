/**
 * The command-template language of serial SIM-multiplexer boards (pure, no I/O): parsing a template and
 * compiling a reply pattern. The configuration schema checks a template with these functions and the
 * serial-command SIM switch runs the same parse, so the configuration accepts exactly what the switch
 * will send.
 *
 * Placeholders: {line} line id, {slot} A–D, {slotIndex} 0–3, {slotNumber} 1–4.
 * Escapes: \r \n \t \\ \{ \} and \xHH (one raw byte, for boards that speak binary frames).
 * Literal text is sent as UTF-8; a raw CR/LF typed into the config (e.g. "\r" inside a JSON string)
 * passes through unchanged.
 *
 * The reply pattern (`expect`) may use the same placeholders; their values are regex-escaped.
 */
type SlotLetter = 'A' | 'B' | 'C' | 'D';
const SLOT_LETTERS: readonly SlotLetter[] = ['A', 'B', 'C', 'D'];

export type TemplateVar = 'line' | 'slot' | 'slotIndex' | 'slotNumber';

export const TEMPLATE_VARS: readonly TemplateVar[] = ['line', 'slot', 'slotIndex', 'slotNumber'];

export type TemplatePart = { kind: 'bytes'; bytes: Uint8Array } | { kind: 'var'; name: TemplateVar };

export interface TemplateValues {
  line: string;
  slot: SlotLetter;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Byte arrays joined; plain Uint8Array (not Buffer) so that the schema also runs in a browser. */
function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function isVar(s: string): s is TemplateVar {
  return (TEMPLATE_VARS as readonly string[]).includes(s);
}

/** Parses a command template; errors name the offending position. Never throws. */
export function parseCommandTemplate(src: string): Parsed<TemplatePart[]> {
  if (typeof src !== 'string') return { ok: false, error: 'template must be a string' };
  const parts: TemplatePart[] = [];
  let text: Uint8Array[] = [];
  let lit = '';
  const flushLit = () => {
    if (lit) text.push(new TextEncoder().encode(lit));
    lit = '';
  };
  const flushText = () => {
    flushLit();
    if (text.length) parts.push({ kind: 'bytes', bytes: concatBytes(text) });
    text = [];
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) return { ok: false, error: `template ends with a lone backslash (at ${i})` };
      const simple: Record<string, string> = { r: '\r', n: '\n', t: '\t', '\\': '\\', '{': '{', '}': '}' };
      if (n in simple) {
        lit += simple[n];
        i++;
        continue;
      }
      if (n === 'x') {
        const hex = src.slice(i + 2, i + 4);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) return { ok: false, error: `template: \\x at ${i} needs two hex digits` };
        flushLit();
        text.push(Uint8Array.of(parseInt(hex, 16)));
        i += 3;
        continue;
      }
      return { ok: false, error: `template: unknown escape \\${n} at ${i} (use \\r \\n \\t \\\\ \\{ \\} \\xHH)` };
    }
    if (c === '{') {
      const end = src.indexOf('}', i);
      const name = end < 0 ? '' : src.slice(i + 1, end);
      if (!isVar(name)) {
        return { ok: false, error: `template: unknown placeholder at ${i} (use {${TEMPLATE_VARS.join('} {')}}, or \\{ for a literal brace)` };
      }
      flushText();
      parts.push({ kind: 'var', name });
      i = end;
      continue;
    }
    if (c === '}') return { ok: false, error: `template: unmatched } at ${i} (use \\} for a literal brace)` };
    lit += c;
  }
  flushText();
  if (parts.length === 0) return { ok: false, error: 'template is empty' };
  return { ok: true, value: parts };
}

export function templateValue(name: TemplateVar, v: TemplateValues): string {
  switch (name) {
    case 'line':
      return v.line;
    case 'slot':
      return v.slot;
    case 'slotIndex':
      return String(SLOT_LETTERS.indexOf(v.slot));
    case 'slotNumber':
      return String(SLOT_LETTERS.indexOf(v.slot) + 1);
  }
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * Builds the reply pattern: placeholders replaced by regex-escaped values, then compiled. Regex
 * quantifiers such as {2} or {1,3} are left alone (they are not placeholder names). Never throws.
 */
export function compileReplyPattern(src: string, v: TemplateValues): Parsed<RegExp> {
  if (typeof src !== 'string') return { ok: false, error: 'reply pattern must be a string' };
  const filled = src.replace(/\{(line|slot|slotIndex|slotNumber)\}/g, (_m, name: TemplateVar) => escapeRegex(templateValue(name, v)));
  try {
    return { ok: true, value: new RegExp(filled) };
  } catch (err) {
    return { ok: false, error: `invalid reply pattern /${src}/: ${(err as Error).message}` };
  }
}
