/**
 * Dial rules (manual Appendix E "拨号规则"): rewrite or restrict the destination number of a call
 * (§4.6 呼出管理 "拨号规则" / "严格的拨号规则") or of an outgoing SMS (§4.10 "短信发送号码规则").
 *
 * Grammar (Appendix E):
 *
 *   rules     = rule *( "|" rule )
 *   rule      = condition ":" action
 *   condition = *( digit | "+" | "*" | "#" | "X" | "x" | "[" digit "-" digit "]" )
 *   action    = *( ( "-" | "+" ) text )
 *
 * - A condition matches a *prefix* of the number: each digit / `+` matches itself, `[3-8]` one digit
 *   from 3 to 8, `X` or `x` any one digit 0-9. An empty condition matches every number (example 3,
 *   `:+0`). In strict mode ("严格的拨号规则") a condition must match the whole number, length included
 *   (example 5, `1[3-8]XXXXXXXXX:`), and a number that matches no rule is refused.
 * - An action is a sequence of operations applied left to right: `-<text>` deletes the prefix <text>,
 *   `+<text>` prepends <text>. When two operators follow each other the second is an ordinary
 *   character (example 2, `+86:-+86` deletes "+86"; example 4, `01[3-8]:-0++86` deletes "0" and then
 *   prepends "+86"). So a text is: its first character (anything, `-` and `+` included), then every
 *   following character up to the next `-` or `+`.
 * - Rules are tried left to right; the first whose condition matches is applied and matching stops.
 *   Without strict mode a number that matches no rule passes unchanged.
 *
 * Choices (not fixed by the manual):
 * - `*` and `#` are accepted as literal condition characters (service codes such as `*31#` are dial
 *   strings too, ITU-T V.250 §6.3.1). Any other condition character is an error.
 * - Action text may hold any character except white space, `|` and `:`.
 * - `-<text>` when the (already partly rewritten) number does not start with <text> is a no-op for that
 *   step: the rule still counts as applied and the following operations still run. The condition is
 *   the guard; a rule such as `:-0` therefore means "drop a leading 0 if there is one".
 * - Strict mode with no rule at all refuses every number (nothing can match completely); the
 *   configuration check should warn about that combination.
 * - Spaces and tabs around the whole text and around each rule are ignored; inside a rule they are
 *   errors. An empty rule (`13:+0||15:+0`, a trailing `|`) is an error; an empty or blank text is the
 *   empty rule set.
 * - The manual limits a rule set to 140 characters (MANUAL_DIAL_RULES_MAX_LENGTH). We accept longer
 *   sets up to a configurable limit (DEFAULT_DIAL_RULES_MAX_LENGTH unless `maxLength` says otherwise).
 * - The printed form (formatDialRules) is canonical: wildcards print as `X`, surrounding blanks dropped;
 *   parse(format(rules)) gives back the same rules.
 *
 * Dial rules only rewrite numbers; they never choose a line (Appendix E: use line prefix matching,
 * line-prefix.ts, for that).
 *
 * Pure: no I/O. Bad input returns `{ ok: false, ... }` and never throws.
 */

/** Appendix E: "最大长度为140个字符". */
export const MANUAL_DIAL_RULES_MAX_LENGTH = 140;
/** Our default limit: longer than the manual's, still bounded. */
export const DEFAULT_DIAL_RULES_MAX_LENGTH = 4096;

export type ConditionToken =
  /** A digit, `+`, `*` or `#`, matching itself. */
  | { kind: 'char'; char: string }
  /** `[from-to]`: one digit from..to (from <= to). */
  | { kind: 'range'; from: number; to: number }
  /** `X` / `x`: any one digit 0-9. */
  | { kind: 'any' };

export interface DialAction {
  op: 'delete' | 'prepend';
  /** Non-empty; only its first character may be `-` or `+`. */
  text: string;
}

export interface DialRule {
  condition: ConditionToken[];
  actions: DialAction[];
}

/** A parsed rule set, in the order the rules are tried. Build it with parseDialRules. */
export type DialRules = DialRule[];

export type DialRulesParseResult =
  | { ok: true; rules: DialRules }
  | {
      ok: false;
      /** e.g. `rule 2 ("01[3-"): unclosed range at character 3` (character counted within the rule). */
      error: string;
      /** 1-based rule number, when the problem is inside a rule. */
      rule?: number;
      /** 1-based column in the whole text. */
      column?: number;
    };

export type DialRulesApplyResult =
  | {
      ok: true;
      number: string;
      /** 0-based index of the rule applied; null when none matched (non-strict only). */
      rule: number | null;
    }
  | { ok: false; reason: string };

export interface ParseDialRulesOptions {
  /** Longest text accepted (default DEFAULT_DIAL_RULES_MAX_LENGTH). */
  maxLength?: number;
}

export interface ApplyDialRulesOptions {
  /** "严格的拨号规则": the number must match some rule's condition completely, length included. */
  strict?: boolean;
}

class RuleFailure {
  constructor(
    readonly message: string,
    /** 0-based index within the rule text. */
    readonly index: number,
  ) {}
}

const isDigit = (ch: string | undefined): ch is string => ch !== undefined && ch.length === 1 && ch >= '0' && ch <= '9';
const isBlank = (ch: string): boolean => ch === ' ' || ch === '\t';

function parseCondition(text: string, base: number): ConditionToken[] {
  const tokens: ConditionToken[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (isDigit(ch) || ch === '+' || ch === '*' || ch === '#') {
      tokens.push({ kind: 'char', char: ch });
      i++;
    } else if (ch === 'X' || ch === 'x') {
      tokens.push({ kind: 'any' });
      i++;
    } else if (ch === '[') {
      // Appendix E: "个位数区间", one digit from a range written [a-b].
      const close = text.indexOf(']', i);
      if (close < 0) throw new RuleFailure('unclosed range', base + i);
      const inner = text.slice(i + 1, close);
      if (inner.length !== 3 || !isDigit(inner[0]) || inner[1] !== '-' || !isDigit(inner[2])) {
        throw new RuleFailure(`range ${JSON.stringify(text.slice(i, close + 1))} is not [<digit>-<digit>]`, base + i);
      }
      const from = Number(inner[0]);
      const to = Number(inner[2]);
      if (from > to) throw new RuleFailure(`empty range [${from}-${to}] (the first digit is larger than the second)`, base + i);
      tokens.push({ kind: 'range', from, to });
      i = close + 1;
    } else if (ch === ']') {
      throw new RuleFailure("']' without '['", base + i);
    } else if (isBlank(ch)) {
      throw new RuleFailure('space inside the condition', base + i);
    } else {
      throw new RuleFailure(`${JSON.stringify(ch)} is not allowed in a condition (digits, +, *, #, X, [a-b])`, base + i);
    }
  }
  return tokens;
}

function parseAction(text: string, base: number): DialAction[] {
  const actions: DialAction[] = [];
  let i = 0;
  while (i < text.length) {
    const opChar = text[i]!;
    if (opChar !== '-' && opChar !== '+') {
      throw new RuleFailure(`the action must be a sequence of -<text> and +<text>, found ${JSON.stringify(opChar)}`, base + i);
    }
    const opAt = i;
    i++;
    if (i >= text.length) throw new RuleFailure(`'${opChar}' without a text after it`, base + opAt);
    // The first character of the text is ordinary even when it is '-' or '+' (example 2: "-+86").
    let end = i + 1;
    while (end < text.length && text[end] !== '-' && text[end] !== '+') end++;
    const body = text.slice(i, end);
    for (let k = 0; k < body.length; k++) {
      const c = body[k]!;
      if (isBlank(c) || c === ':' || c === '|' || c === '\r' || c === '\n') {
        throw new RuleFailure(`${JSON.stringify(c)} is not allowed in an action`, base + i + k);
      }
    }
    actions.push({ op: opChar === '-' ? 'delete' : 'prepend', text: body });
    i = end;
  }
  return actions;
}

function parseRule(text: string): DialRule {
  const colon = text.indexOf(':');
  if (colon < 0) {
    // A broken range ("01[3-") says more than the missing ':'; any other oddity is most likely the
    // action written without its ':' ("86-86").
    try {
      parseCondition(text, 0);
    } catch (e) {
      if (e instanceof RuleFailure && text[e.index] === '[') throw e;
    }
    throw new RuleFailure("missing ':' between condition and action", text.length);
  }
  return { condition: parseCondition(text.slice(0, colon), 0), actions: parseAction(text.slice(colon + 1), colon + 1) };
}

/** Parses a rule set such as `86:-86|01[3-8]:-0++86|:+0`. Never throws. */
export function parseDialRules(text: string, opts: ParseDialRulesOptions = {}): DialRulesParseResult {
  if (typeof text !== 'string') return { ok: false, error: 'dial rules must be a text' };
  const maxLength = opts.maxLength ?? DEFAULT_DIAL_RULES_MAX_LENGTH;
  if (text.length > maxLength) {
    return { ok: false, error: `dial rules are ${text.length} characters long; at most ${maxLength} are allowed` };
  }
  if (text.trim() === '') return { ok: true, rules: [] };
  const rules: DialRules = [];
  let start = 0;
  let n = 0;
  for (const segment of text.split('|')) {
    n++;
    let lead = 0;
    while (lead < segment.length && isBlank(segment[lead]!)) lead++;
    let tail = segment.length;
    while (tail > lead && isBlank(segment[tail - 1]!)) tail--;
    const ruleText = segment.slice(lead, tail);
    const ruleColumn = start + lead + 1;
    if (ruleText === '') {
      return { ok: false, error: `rule ${n} is empty at column ${ruleColumn}`, rule: n, column: ruleColumn };
    }
    try {
      rules.push(parseRule(ruleText));
    } catch (e) {
      if (!(e instanceof RuleFailure)) throw e;
      return {
        ok: false,
        error: `rule ${n} (${JSON.stringify(ruleText)}): ${e.message} at character ${e.index + 1}`,
        rule: n,
        column: ruleColumn + e.index,
      };
    }
    start += segment.length + 1;
  }
  return { ok: true, rules };
}

function tokenMatches(token: ConditionToken, ch: string): boolean {
  switch (token.kind) {
    case 'char':
      return ch === token.char;
    case 'any':
      return isDigit(ch);
    case 'range':
      return isDigit(ch) && Number(ch) >= token.from && Number(ch) <= token.to;
  }
}

/** Whether a condition matches `number`: a prefix of it, or (strict) all of it. */
export function conditionMatches(condition: readonly ConditionToken[], number: string, strict = false): boolean {
  if (number.length < condition.length) return false;
  if (strict && number.length !== condition.length) return false;
  for (let i = 0; i < condition.length; i++) {
    if (!tokenMatches(condition[i]!, number[i]!)) return false;
  }
  return true;
}

/** Runs a rule's actions left to right; `-<text>` not at the start of the number is a no-op. */
export function applyActions(actions: readonly DialAction[], number: string): string {
  let out = number;
  for (const a of actions) {
    if (a.op === 'prepend') out = a.text + out;
    else if (out.startsWith(a.text)) out = out.slice(a.text.length);
  }
  return out;
}

/**
 * Applies the first matching rule to `number`. Non-strict: no match passes the number unchanged
 * (`rule: null`). Strict: no complete match refuses the number. Never throws.
 */
export function applyDialRules(rules: DialRules, number: string, opts: ApplyDialRulesOptions = {}): DialRulesApplyResult {
  if (!Array.isArray(rules)) return { ok: false, reason: 'dial rules are not a parsed rule set' };
  if (typeof number !== 'string') return { ok: false, reason: 'the number must be a text' };
  const strict = opts.strict === true;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (!rule || !Array.isArray(rule.condition) || !Array.isArray(rule.actions)) {
      return { ok: false, reason: `dial rule ${i + 1} is malformed` };
    }
    if (conditionMatches(rule.condition, number, strict)) {
      return { ok: true, number: applyActions(rule.actions, number), rule: i };
    }
  }
  if (!strict) return { ok: true, number, rule: null };
  if (rules.length === 0) return { ok: false, reason: 'strict dial rules are on but no dial rule is configured' };
  return { ok: false, reason: `${JSON.stringify(number)} does not completely match any dial rule (strict dial rules)` };
}

function formatToken(t: ConditionToken): string {
  switch (t.kind) {
    case 'char':
      return t.char;
    case 'any':
      return 'X';
    case 'range':
      return `[${t.from}-${t.to}]`;
  }
}

/** Canonical text of a rule set; parseDialRules(formatDialRules(r)) gives back r. */
export function formatDialRules(rules: DialRules): string {
  if (!Array.isArray(rules)) return '';
  return rules
    .map((r) => r.condition.map(formatToken).join('') + ':' + r.actions.map((a) => (a.op === 'delete' ? '-' : '+') + a.text).join(''))
    .join('|');
}
