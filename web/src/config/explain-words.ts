/**
 * The translated words the rule explainers (limit-explain.ts, rule-explain.ts) compose, and which
 * explainer reads which configuration field: dial rules, line prefixes and SIM limits.
 */
import { formatNumber } from '../i18n/format';
import { t } from '../i18n/index';
import type { Path } from './draft';
import { explainLimit, type LimitWords } from './limit-explain';
import { explainDialRules, explainPrefixList, type Explanation, type RuleWords } from './rule-explain';

export type LimitField = 'callMinutes' | 'callCount' | 'smsCount';

export function limitWords(field: LimitField): LimitWords {
  return {
    amount: (count) => {
      const n = formatNumber(count);
      return field === 'callMinutes' ? t('limits.amountMinutes', { n }) : field === 'callCount' ? t('limits.amountCalls', { n }) : t('limits.amountSms', { n });
    },
    window: (from, to, amount) => t('limits.window', { from, to, amount }),
    separator: t('limits.separator'),
    total: (amount) => t('limits.total', { amount }),
    monthly: (day, amount) => t('limits.monthly', { day, amount }),
    none: t('limits.none'),
  };
}

export function ruleWords(): RuleWords {
  return {
    startsWith: (prefix) => t('config.rule.startsWith', { prefix }),
    everyNumber: t('config.rule.everyNumber'),
    remove: (text) => t('config.rule.remove', { text }),
    prepend: (text) => t('config.rule.prepend', { text }),
    unchanged: t('config.rule.unchanged'),
    rule: (condition, actions) => t('config.rule.rule', { condition, actions }),
    then: t('config.rule.then'),
    otherwise: t('config.rule.otherwise'),
    none: t('config.rule.none'),
    prefixes: (list) => t('config.rule.prefixes', { list }),
    listSeparator: t('config.rule.listSeparator'),
  };
}

const DIAL_RULE_KEYS = new Set(['dialRules', 'callerIdRules']);
const LIMIT_KEYS = new Set<string>(['callMinutes', 'callCount', 'smsCount']);

/** The plain-language reading of the text field at `path`, or null when it is not a rule field. */
export function explainField(path: Path, text: string): Explanation | null {
  const key = path[path.length - 1];
  if (typeof key !== 'string') return null;
  if (DIAL_RULE_KEYS.has(key)) return explainDialRules(text, ruleWords());
  if (key === 'prefixes') return explainPrefixList(text, ruleWords());
  if (path[0] === 'policy' && LIMIT_KEYS.has(key)) {
    const r = explainLimit(text, limitWords(key as LimitField));
    if (!r.ok) return { ok: false, error: r.error };
    return { ok: true, text: r.gaps ? `${r.text}${t('limits.separator')}${t('limits.otherTimes')}` : r.text };
  }
  return null;
}
