/**
 * Dial rules (manual appendix E) and line prefix lists (§4.3) told in plain words as the operator
 * types them, parsed by the routing code's own parsers (src/routing/), so the explanation is what the
 * gateway will do. Words come from the caller (translated); no DOM, so Node tests can run it.
 */
import { parseDialRules, type ConditionToken, type DialAction } from '../../../src/routing/dial-rules.js';
import { parsePrefixList } from '../../../src/routing/line-prefix.js';

export interface RuleWords {
  /** "numbers starting with {prefix}" (X = any digit, [3-8] = one digit from 3 to 8). */
  startsWith(prefix: string): string;
  /** An empty condition: "every number". */
  everyNumber: string;
  /** "remove {text} at the start". */
  remove(text: string): string;
  /** "put {text} in front". */
  prepend(text: string): string;
  /** No action: "leave the number as it is". */
  unchanged: string;
  /** "{condition}: {actions}". */
  rule(condition: string, actions: string): string;
  /** Between actions: ", then ". */
  then: string;
  /** Between rules: "; otherwise ". */
  otherwise: string;
  /** An empty rule set / prefix list. */
  none: string;
  /** "numbers starting with 00, 13 or 15". */
  prefixes(list: string): string;
  /** Between prefixes: ", ". */
  listSeparator: string;
}

export type Explanation = { ok: true; text: string } | { ok: false; error: string };

/** A condition as the manual writes it: digits, `[3-8]` ranges, `X` for any digit. */
export function conditionText(condition: readonly ConditionToken[]): string {
  return condition.map((t) => (t.kind === 'char' ? t.char : t.kind === 'any' ? 'X' : `[${t.from}-${t.to}]`)).join('');
}

function actionText(a: DialAction, words: RuleWords): string {
  return a.op === 'delete' ? words.remove(a.text) : words.prepend(a.text);
}

export function explainDialRules(text: string, words: RuleWords): Explanation {
  const r = parseDialRules(text);
  if (!r.ok) return { ok: false, error: r.error };
  if (r.rules.length === 0) return { ok: true, text: words.none };
  const parts = r.rules.map((rule) => {
    const cond = rule.condition.length === 0 ? words.everyNumber : words.startsWith(conditionText(rule.condition));
    const actions = rule.actions.length === 0 ? words.unchanged : rule.actions.map((a) => actionText(a, words)).join(words.then);
    return words.rule(cond, actions);
  });
  return { ok: true, text: parts.join(words.otherwise) };
}

export function explainPrefixList(text: string, words: RuleWords): Explanation {
  const r = parsePrefixList(text);
  if (!r.ok) return { ok: false, error: r.error };
  if (r.prefixes.length === 0) return { ok: true, text: words.none };
  return { ok: true, text: words.prefixes(r.prefixes.join(words.listSeparator)) };
}
