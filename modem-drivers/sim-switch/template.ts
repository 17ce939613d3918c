/**
 * Sending a command template to a SIM-multiplexer board: rendering it for one selection, and showing
 * bytes in logs. The template language itself (parse, reply patterns) is shared with the configuration
 * schema: src/config/sim-switch-template.ts.
 */
import {
  templateValue,
  type TemplatePart,
  type TemplateValues,
} from '../../src/config/sim-switch-template.js';

export {
  compileReplyPattern,
  parseCommandTemplate,
  templateValue,
  TEMPLATE_VARS,
  type Parsed,
  type TemplatePart,
  type TemplateValues,
  type TemplateVar,
} from '../../src/config/sim-switch-template.js';

/** The bytes to write for one selection. */
export function renderCommand(parts: readonly TemplatePart[], v: TemplateValues): Buffer {
  return Buffer.concat(parts.map((p) => (p.kind === 'bytes' ? p.bytes : Buffer.from(templateValue(p.name, v), 'utf8'))));
}

/** Bytes as readable text for logs and error messages: control characters and non-ASCII escaped. */
export function printable(data: Buffer | string, max = 120): string {
  const s = typeof data === 'string' ? data : data.toString('latin1');
  let out = '';
  for (const ch of s.length > max ? s.slice(0, max) : s) {
    const c = ch.charCodeAt(0);
    if (ch === '\r') out += '\\r';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\\') out += '\\\\';
    else if (c < 0x20 || c > 0x7e) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return s.length > max ? `${out}…` : out;
}
