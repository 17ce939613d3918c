/**
 * sip.js's grammar (RFC 3261 §25.1), memoised. Its generated parser decodes its whole rule table on
 * every call (about half a millisecond per header value), and the SIP layers read the same header
 * text several times per message: each typed reading parses anew so that the headers stay the only
 * source of truth. Results are kept per rule and text, a bounded number of short values, and every
 * caller treats them as read-only. The plain shapes of the hot values skip the grammar entirely
 * (fast-grammar.ts), carrying only the parts callers read.
 */
import { Grammar } from 'sip.js/lib/grammar/grammar.js';
import { fastGrammarParse } from './fast-grammar.js';

const MAX_ENTRIES = 4096;
/** Longer values (rare: long Route sets) are parsed each time rather than held. */
const MAX_TEXT = 512;
const results = new Map<string, unknown>();

/** Grammar.parse(text, rule): the parsed value, or -1 when `text` does not match `rule`. */
export function grammarParse(text: string, rule: string): unknown {
  // The usual shapes are read by hand; the grammar decides everything else.
  const fast = fastGrammarParse(text, rule);
  if (fast !== undefined) return fast;
  if (text.length > MAX_TEXT) return Grammar.parse(text, rule);
  const key = `${rule}\u0000${text}`;
  // Some rules leave no value (undefined) on success: has() tells a kept undefined from a miss.
  if (results.has(key)) return results.get(key);
  const parsed: unknown = Grammar.parse(text, rule);
  // Oldest first out: a Map iterates in insertion order.
  if (results.size >= MAX_ENTRIES) results.delete(results.keys().next().value!);
  results.set(key, parsed);
  return parsed;
}
