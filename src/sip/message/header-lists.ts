/**
 * Splitting header values the way RFC 3261 §7.3.1 and §25.1 allow: comma-separated lists and
 * semicolon parameters, never splitting inside a quoted string or an angle-bracketed URI.
 */

/** Splits `text` at `separator` outside double quotes (with backslash escapes) and `<…>`. */
export function splitOutside(text: string, separator: ',' | ';'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '<') depth++;
    else if (ch === '>') depth = Math.max(0, depth - 1);
    else if (ch === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

/**
 * `;name=value;flag` → { name: 'value', flag: null } with names in lower case (parameter names are
 * case-insensitive, RFC 3261 §7.3.1). Quoted values keep their quotes. Empty segments are skipped.
 */
export function parseParameters(text: string): Record<string, string | null> {
  const params: Record<string, string | null> = {};
  for (const segment of splitOutside(text, ';')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    if (eq < 0) params[segment.toLowerCase()] = null;
    else params[segment.slice(0, eq).trim().toLowerCase()] = segment.slice(eq + 1).trim();
  }
  return params;
}

/** Writes parameters back: `;name=value;flag`. */
export function formatParameters(params: Readonly<Record<string, string | null | undefined>>): string {
  let out = '';
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    out += value === null ? `;${name}` : `;${name}=${value}`;
  }
  return out;
}
