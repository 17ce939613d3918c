/**
 * The GSM caller's number as the SIP side sees it (manual §4.7 "CID 穿透模式" and "CID 前缀"): first
 * rewritten by the caller-ID rules (appendix E grammar, dial-rules.ts), then carried as the From user
 * (the default), in P-Asserted-Identity (RFC 3325 §9.1) or in Remote-Party-ID (the draft the manual
 * names). A withheld caller becomes `anonymous` in an anonymous From (RFC 3323 §4.1.1.3) with no
 * identity header. Pure; never throws.
 */
import { applyDialRules, parseDialRules } from '../../routing/dial-rules.js';

export type CallerIdMode = 'from' | 'pai' | 'rpid';

export interface CallerIdInput {
  /** The number from +CLIP; null or empty when withheld or unknown. */
  readonly number: string | null;
  readonly mode: CallerIdMode;
  /** `sip.forward.callerIdRules`; a text that does not parse leaves the number unchanged. */
  readonly rules: string;
  /** The host in the From and identity URIs (our host, or the account's domain). */
  readonly host: string;
  /** The From user when the number goes in a header instead (pai, rpid): the gateway's own user. */
  readonly gatewayUser: string;
}

export interface CallerIdentity {
  /** The From name-addr without tag. */
  readonly from: { readonly displayName?: string; readonly uri: string };
  /** The From user, for Contact. */
  readonly user: string;
  /** Extra headers: P-Asserted-Identity or Remote-Party-ID (and Privacy for withheld callers). */
  readonly headers: readonly (readonly [string, string])[];
  /** The number after the rules, null when withheld. */
  readonly number: string | null;
}

/** Characters a number may keep in a SIP user part (RFC 3261 §25.1 unreserved plus `+*#` escaped as needed). */
function userOf(number: string): string {
  return number.replace(/[^0-9A-Za-z+\-_.!~*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** The caller number after the caller-ID rules; unchanged when the rules do not parse or do not match. */
export function rewriteCallerNumber(number: string, rules: string): string {
  const parsed = parseDialRules(rules);
  if (!parsed.ok) return number;
  const applied = applyDialRules(parsed.rules, number);
  return applied.ok && applied.number !== '' ? applied.number : number;
}

export function callerIdentity(input: CallerIdInput): CallerIdentity {
  const raw = typeof input.number === 'string' ? input.number.trim() : '';
  if (raw === '') {
    // RFC 3323 §4.1.1.3: an anonymous From; there is no identity to assert.
    return { from: { displayName: 'Anonymous', uri: 'sip:anonymous@anonymous.invalid' }, user: 'anonymous', headers: [['Privacy', 'id']], number: null };
  }
  const number = rewriteCallerNumber(raw, input.rules);
  const user = userOf(number);
  const identityUri = `sip:${user}@${input.host}`;
  switch (input.mode) {
    case 'pai':
      return { from: { uri: `sip:${userOf(input.gatewayUser)}@${input.host}` }, user: userOf(input.gatewayUser), headers: [['P-Asserted-Identity', `<${identityUri}>`]], number };
    case 'rpid':
      return {
        from: { uri: `sip:${userOf(input.gatewayUser)}@${input.host}` },
        user: userOf(input.gatewayUser),
        headers: [['Remote-Party-ID', `<${identityUri}>;party=calling;screen=yes;privacy=off`]],
        number,
      };
    default:
      return { from: { displayName: number, uri: identityUri }, user, headers: [], number };
  }
}
