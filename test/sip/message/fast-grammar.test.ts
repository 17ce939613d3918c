import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { Grammar } from 'sip.js/lib/grammar/grammar.js';
import { fastGrammarParse } from '../../../src/sip/message/fast-grammar.js';
import { splitOutside } from '../../../src/sip/message/header-lists.js';
import { prng } from '../../helpers/prng.js';

/**
 * Differential tests of the fast paths in front of sip.js's grammar: on every header value and start
 * line of the SIP fixtures (RFC 4475, examples, SIPp scenarios), on generated variants and on random
 * mutations, each fast path either declines or gives exactly the parts of the grammar's result the
 * SIP layers read. The grammar is the authority.
 */

const RULES = ['Request_Response', 'Via', 'CSeq', 'From', 'To', 'Contact', 'Record_Route', 'Call_ID', 'Content_Type', 'SIP_URI'] as const;
type Rule = (typeof RULES)[number];
const fixtures = fileURLToPath(new URL('../../../../fixtures/sip/', import.meta.url));

/** The parts callers read (src/sip/message/header-values.ts, header-checks.ts, sip-parser.ts). */
function used(rule: Rule, result: unknown): unknown {
  if (result === -1) return -1;
  const r = result as Record<string, unknown>;
  switch (rule) {
    case 'Via':
      return { transport: r['transport'], host: r['host'], port: r['port'] };
    case 'CSeq':
      return { method: r['method'] };
    case 'SIP_URI':
      return { scheme: r['scheme'], user: r['user'], host: r['host'], port: r['port'] };
    case 'Request_Response':
      if (r['status_code'] !== undefined) return { version: r['sip_version'], status: r['status_code'], reason: r['reason_phrase'] };
      return { method: r['method'], version: r['sip_version'], uriHeaders: r['uri_headers'] !== undefined && Object.keys(r['uri_headers'] as object).length > 0 };
    default:
      return 'matched';
  }
}

const mismatches: string[] = [];
function assertNoMismatch(): void {
  assert.deepEqual(mismatches.slice(0, 20), [], `${mismatches.length} disagreements`);
}
const accepted = new Map<Rule, number>(RULES.map((r) => [r, 0]));

/** Fast path declines, or agrees with the grammar on what callers read. Never throws. */
function agree(text: string, rules: readonly Rule[] = RULES): void {
  for (const rule of rules) {
    let fast: unknown;
    assert.doesNotThrow(() => (fast = fastGrammarParse(text, rule)), `${rule} threw on ${JSON.stringify(text)}`);
    if (fast === undefined) continue;
    accepted.set(rule, accepted.get(rule)! + 1);
    const fastUsed = used(rule, fast);
    const grammarUsed = used(rule, Grammar.parse(text, rule));
    if (!isDeepStrictEqual(fastUsed, grammarUsed)) mismatches.push(`${rule}: ${JSON.stringify(text)} fast ${JSON.stringify(fastUsed)} grammar ${JSON.stringify(grammarUsed)}`);
  }
}

/** Start lines and header values (unfolded, comma lists split as the callers do) of one message text. */
function valuesOf(message: string): string[] {
  const head = message.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const [start, ...lines] = head.split(/\r?\n/);
  const out = [start!.trim()];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const value = line.slice(colon + 1).trim();
    out.push(value, ...splitOutside(value, ',').map((v) => v.trim()));
    // URIs inside angle brackets, as parseSipUri sees them.
    for (const m of value.matchAll(/<([^>]*)>/g)) out.push(m[1]!);
  }
  return out;
}

/** SIPp scenario messages with their keywords replaced by values of the usual shapes. */
function sippMessages(dir: string): string[] {
  const fill: Record<string, string> = { local_ip: '127.0.0.1', remote_ip: '127.0.0.2', local_port: '5061', remote_port: '5060', transport: 'UDP', service: '13912345678', call_number: '7', pid: '4242', call_id: '7-4242@127.0.0.1', branch: 'z9hG4bK-4242-7-0', len: '0', media_ip: '127.0.0.1', media_port: '6000', media_ip_type: '4', local_ip_type: '4', peer_tag_param: ';tag=abc', field0: '1000', field1: 'x', routes: '', next_url: 'sip:a@127.0.0.2:5060', authentication: 'Authorization: Digest username="1000"', clock_tick: '1' };
  const out: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.xml'))) {
    for (const m of readFileSync(dir + file, 'utf8').matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)) {
      out.push(m[1]!.trim().replace(/\[(\w+)(?::[^\]]*)?\]/g, (_, k: string) => fill[k] ?? k));
    }
  }
  return out;
}

test('fixture values: every fast answer equals the grammar, and the usual shapes take the fast path', () => {
  const texts: string[] = [];
  for (const dir of ['rfc4475/', 'examples/']) {
    for (const file of readdirSync(fixtures + dir)) texts.push(readFileSync(fixtures + dir + file, 'latin1'));
  }
  texts.push(...sippMessages(fixtures + 'sipp/'), ...sippMessages(fileURLToPath(new URL('../../../../test/sip/to-gsm/scenarios/', import.meta.url))));
  for (const text of texts) for (const value of valuesOf(text)) agree(value);
  assertNoMismatch();
  // The REGISTER and INVITE examples are plain: their hot headers must not reach the grammar.
  const register = valuesOf(readFileSync(fixtures + 'examples/register-3-request-with-credentials.sip', 'latin1'));
  assert.notEqual(fastGrammarParse(register[0]!, 'Request_Response'), undefined, register[0]);
  for (const rule of ['Via', 'CSeq', 'From', 'To', 'Contact', 'Call_ID'] as const) {
    assert.ok(register.some((v) => fastGrammarParse(v, rule) !== undefined), `no fast ${rule} in the REGISTER example`);
  }
});

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const SCHEMES = ['sip', 'SIP', 'sips', 'Sip', 'tel', 'sipx'];
const USERS = ['', 'alice@', '1000@', '+4930123@', 'a.b-c_d@', 'a%41@', 'a;b@', 'a b@', 'a:pw@', "o'neil@", 'a(b)@', 'a&b=c$@', 'a,b@', 'a?b@', '@', 'ä@'];
const HOSTS = ['example.com', 'EXAMPLE.Com', '127.0.0.1', '1.2.3.256', '01.2.3.4', '[::1]', '[2001:db8::1]', 'h_x.com', '-a.com', 'a-.com', 'a..b', 'a.com.', '1.2.3', '1host.com', 'localhost', 'a.1b', '', '255.255.255.255', '0.0.0.0', 'a'.repeat(70) + '.com'];
const PORTS = ['', ':5060', ':0', ':1', ':65535', ':65536', ':05060', ':', ':99999', ':5060x'];
const URI_PARAMS = ['', ';transport=udp', ';transport=TCP', ';transport=', ';lr', ';lr=on', ';lrx', ';user=phone', ';ttl=255', ';ttl=256', ';maddr=1.2.3.4', ';maddr=x_y', ';method=INVITE', ';method=FOO', ';x=%41', ';x', ';X=Y', ';a=b;c', ';=', ';;', ' ;x', ';transportx=1', ';ttl=', ';user=ip;lr'];
const URI_HEADERS = ['', '', '', '?h=v', '?a=b&c=d', '?'];

function uri(rand: () => number): string {
  return `${pick(rand, SCHEMES)}:${pick(rand, USERS)}${pick(rand, HOSTS)}${pick(rand, PORTS)}${pick(rand, URI_PARAMS)}${pick(rand, URI_HEADERS)}`;
}

const DISPLAYS = ['', '"Alice" ', '"Alice"', 'Alice ', 'Alice  Smith ', '"A \\" B" ', '"" ', 'Al"ice ', '"ä" ', ' ', 'A,B ', 'Alice\t'];
const HEADER_PARAMS = ['', ';tag=1', ';tag=abc-DEF.1', ';tag=', ';tagx=1', ';q=0.5', ';q=1.0', ';q=1.5', ';q=0.1234', ';expires=3600', ';expires=x', ';expires=', ';+sip.instance="<urn:uuid:1>"', ';x="a\\"b"', ';x="a"', ';x=[::1]', ';X=Y', ';x', ';=1', '; tag=1', ';tag=1 ', ';reg-id=1'];
const VIA_TRANSPORTS = ['UDP', 'udp', 'TCP', 'TLS', 'SCTP', 'WS', 'WSS', 'XYZ', 'U', 'UDP '];
const VIA_PREFIXES = ['SIP/2.0/', 'sip/2.0/', 'SIP / 2.0 / ', 'SIP/2.1/', 'SIP/2.0 /'];
const VIA_PARAMS = ['', ';branch=z9hG4bK-1', ';branch=', ';branchx=1', ';rport', ';rport=0', ';rport=5060', ';rport=65536', ';received=1.2.3.4', ';received=::1', ';received=host', ';received=1.2.3.256', ';ttl=1', ';ttl=300', ';maddr=224.2.0.1', ';maddr=a_b', ';x="q"', ';x="a\\"b"', ';Branch=Z', ';x', ';x=', ';receivedx=1', ';rportx'];
const METHODS = ['INVITE', 'REGISTER', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'MESSAGE', 'INFO', 'PRACK', 'UPDATE', 'SUBSCRIBE', 'NOTIFY', 'REFER', 'PUBLISH', 'FOO', 'invite', 'INVITEX', 'INV-ITE', ''];

function nameAddr(rand: () => number): string {
  const u = uri(rand);
  return rand() < 0.7 ? `${pick(rand, DISPLAYS)}<${u}>${pick(rand, HEADER_PARAMS)}${pick(rand, HEADER_PARAMS)}` : `${u}${pick(rand, HEADER_PARAMS)}`;
}

function generated(rand: () => number): string {
  switch (Math.floor(rand() * 7)) {
    case 0:
      return `${pick(rand, VIA_PREFIXES)}${pick(rand, VIA_TRANSPORTS)} ${pick(rand, HOSTS)}${pick(rand, PORTS)}${pick(rand, VIA_PARAMS)}${pick(rand, VIA_PARAMS)}`;
    case 1:
      return `${pick(rand, ['1', '0', '01', '2147483647', '99999999999', '', 'x', '1 '])}${pick(rand, [' ', '  ', '\t', ''])}${pick(rand, METHODS)}`;
    case 2:
      return nameAddr(rand);
    case 3:
      return Array.from({ length: 1 + Math.floor(rand() * 3) }, () => nameAddr(rand)).join(pick(rand, [',', ', ', ' , ']));
    case 4:
      return uri(rand);
    case 5:
      return rand() < 0.5
        ? `${pick(rand, METHODS)} ${uri(rand)} ${pick(rand, ['SIP/2.0', 'SIP/3.0', 'sip/2.0', 'SIP/2.0 '])}`
        : `${pick(rand, ['SIP/2.0', 'SIP/2.1'])} ${pick(rand, ['200', '100', '699', '700', '099', '18', '1800'])} ${pick(rand, ['OK', 'Ringing', 'Session Progress', '', 'Not Found ', 'Bad Request (x)', 'Ça va', 'a\tb'])}`;
    default:
      return rand() < 0.5
        ? `${pick(rand, ['abc', 'a.b-c_d', 'a%41', 'a b', '', 'a<b>', 'x"y', 'a/b'])}${pick(rand, ['', '@127.0.0.1', '@host', '@', '@a@b', '@[::1]'])}`
        : `${pick(rand, ['application', 'text', 'TEXT', 'message', 'foo', 'multipart'])}${pick(rand, ['/sdp', '/plain', '/', '/x-y.z+w', '', '/sdp;charset=utf-8', '/sdp '])}`;
  }
}

test('generated variants (odd parameters, IPv6, escapes, case, whitespace): fast answers equal the grammar', () => {
  const rand = prng(3261);
  for (let i = 0; i < 6000; i++) agree(generated(rand));
  assertNoMismatch();
});

test('random mutations of plain values never throw and never disagree with the grammar', () => {
  const rand = prng(4475);
  const seeds = ['SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-1;rport', '1 REGISTER', '"Alice" <sip:1000@127.0.0.1:5060;transport=udp>;tag=abc', 'sip:1000@127.0.0.1:5060', 'REGISTER sip:127.0.0.1 SIP/2.0', 'SIP/2.0 200 OK', 'abc-1@127.0.0.1', 'application/sdp', '<sip:a@b;lr>, <sip:c@d;lr>'];
  const alphabet = ' \t;:@<>"\\,=?&%/[].-_+*~!\'()$#\r\n\u0000\u00e4aZ09';
  for (let i = 0; i < 6000; i++) {
    const chars = [...pick(rand, seeds)];
    for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
      const at = Math.floor(rand() * (chars.length + 1));
      const op = rand();
      if (op < 0.33) chars.splice(at, 1);
      else if (op < 0.66) chars.splice(at, 0, pick(rand, [...alphabet]));
      else chars[at] = pick(rand, [...alphabet]);
    }
    agree(chars.join(''));
  }
  assertNoMismatch();
  // Every fast path took part somewhere in these tests' inputs.
  for (const [rule, count] of accepted) assert.ok(count > 0, `fast ${rule} never answered`);
});
