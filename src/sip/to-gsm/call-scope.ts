/**
 * Which lines a SIP caller may use (see CallScope in invite-handler.ts). Pure.
 * - A phone of the embedded registrar (`who` = `ext:<user>`, possibly `ext:<user>@trunk:<n>`) dials
 *   out only through its extension's lines (its own list, else its group's, else all).
 * - An INVITE whose Request-URI user is the user of a registration account (its phone number, else
 *   its auth ID) came from the PBX for that account: in per-line mode its line, in per-group mode its
 *   group's lines, in device mode (or the first trunk peer's registration) every line. The number to
 *   dial then comes from the second stage (§4.6), as on the manual's gateways.
 * - Anything else: every line, the Request-URI user being the number.
 */
import type { SipConfig } from '../../config/schema-sip.js';
import type { CallScope } from './invite-handler.js';

type Account = { authId: string; phoneNumber?: string | undefined };

const userOf = (a: Account): string => a.phoneNumber ?? a.authId;

export function callScopeOf(sip: SipConfig, requestUser: string, who: string, extensionLines: (user: string) => readonly number[] | 'all' | undefined): CallScope {
  if (who.startsWith('ext:')) {
    const user = who.slice('ext:'.length).split('@')[0]!;
    return { lines: extensionLines(user) ?? [], account: false };
  }
  if (requestUser === '') return { lines: 'all', account: false };
  const reg = sip.registration;
  if (reg.mode === 'per-line') {
    const lines = reg.lines.filter((a) => userOf(a) === requestUser).map((a) => a.line);
    if (lines.length > 0) return { lines, account: true };
  }
  if (reg.mode === 'per-group') {
    const group = reg.groups.find((g) => userOf(g.account) === requestUser);
    if (group) return { lines: group.lines, account: true };
  }
  if (reg.mode === 'device' && reg.account && userOf(reg.account) === requestUser) return { lines: 'all', account: true };
  const trunk = sip.trunk.peers[0]?.register;
  if (trunk && userOf(trunk) === requestUser) return { lines: 'all', account: true };
  return { lines: 'all', account: false };
}
