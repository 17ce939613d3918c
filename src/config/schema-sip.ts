/**
 * The `sip` section of the configuration schema (docs/configuration.md, section "sip"; docs/sip.md):
 * listeners and timers, registration to a PBX in the manual's modes (§4.3), the trunk peers, who may
 * place calls and send SMS through the gateway (§4.4), SIP → GSM calls (§4.3, §4.6, appendix E),
 * GSM → SIP forwarding (§4.7), the embedded registrar (§4.4 proxy mode), SIP MESSAGE ↔ SMS (appendix F)
 * and CDR push. The code's types are derived from this schema (z.output).
 */
import { z } from 'zod';
import { bool, expected, int, listenHost, obj, oneOf, pattern, text } from './schema-helpers.js';
import { parseAddressShape as parseAddressPattern } from '../sip/access/address-pattern-syntax.js';
import { CALL_WAITING_MODES } from '../call/call-waiting-state.js';
import { FIXED_FORWARD_NUMBER, SERVICE_FORWARD_NUMBER } from '../sip/to-gsm/forward-number.js';

const FORWARD_NUMBER = new RegExp(`${FIXED_FORWARD_NUMBER.source}|${SERVICE_FORWARD_NUMBER.source}`);

const hostPort = pattern(
  /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/,
  'a host or IP address with an optional port, such as "pbx.example.com" or "192.168.1.10:5060"',
);
const transport = oneOf(['udp', 'tcp', 'tls']);
const httpUrl = z
  .string({ error: expected('an http:// or https:// URL') })
  .refine((u) => /^https?:\/\/[^\s"]+$/.test(u), { error: expected('an http:// or https:// URL') });
const dialRulesText = z.string({ error: expected('dial rules such as "86:-86|:+0" (manual appendix E)') }).max(1000, {
  error: expected('dial rules of at most 1000 characters'),
});
const lineIdList = z.array(int(1, 9999), { error: expected('a list of line ids such as [1, 2]') });
/** A SIP user part as phones and PBXes use it (RFC 3261 §25.1 unreserved characters). */
const userPart = pattern(/^[A-Za-z0-9\-_.!~*'()+]{1,64}$/, 'a SIP user name such as "101" or "gateway1"');
const password = text(1, 128, 'a password of 1 to 128 characters');
const groupName = pattern(/^[A-Za-z0-9_.-]{1,64}$/, 'a group name of letters, digits, "_", "." or "-"');

/** One account at a PBX (manual §4.3 "SIP 设置"): the fields of the registration client. */
const accountSchema = obj({
  authId: userPart,
  password,
  phoneNumber: userPart.optional(),
  displayName: text(1, 64).optional(),
  homeDomain: text(1, 253).optional(),
  registrar: hostPort,
  backupRegistrar: hostPort.optional(),
  outboundProxy: hostPort.optional(),
  transport: transport.default('udp'),
  expiresSec: int(60, 86_400).default(3600),
});

/**
 * A trunk peer entry (manual §4.3 "中继网关模式"): addresses as `192.168.1.10`, `192.168.1.10:5080`,
 * `192.168.1.X` (a whole last octet), `10.0.0.0/24` or `10.0.0.1-10.0.0.20`. Entry 1 may also register.
 */
const peerAddress = pattern(
  /^[0-9A-Za-z.:/\[\]\-Xx]{1,100}$/,
  'an address, range or network such as "192.168.1.10", "192.168.1.X", "10.0.0.0/24" or "10.0.0.1-10.0.0.20"',
);
const trunkPeerSchema = obj({
  name: text(1, 64).optional(),
  addresses: z.array(peerAddress, { error: expected('a list of addresses') }).min(1, { error: expected('at least one address') }).max(64),
  /** Only entry 1: register to it with this account. */
  register: accountSchema.optional(),
});

const extensionSchema = obj({
  number: pattern(/^[0-9A-Za-z]{1,32}$/, 'an extension number such as "001"'),
  prefix: pattern(/^[0-9*#]{0,8}$/, 'a prefix of up to 8 digits').default(''),
  group: groupName.default('default'),
  password: text(8, 128, 'a password of 8 to 128 characters'),
  maxContacts: int(1, 100).default(5),
  /** Lines this extension may dial out through; absent: the group's lines, or every line. */
  lines: lineIdList.optional(),
});

const registrarGroupSchema = obj({
  name: groupName,
  /** Incoming GSM calls on these lines ring every registered phone of the group. */
  lines: lineIdList,
});

export const sipSchema = obj({
  enabled: bool().default(true),
  host: listenHost.default('0.0.0.0'),
  /** UDP and TCP (0 = any free port, for tests). */
  port: int(0, 65535).default(5060),
  tls: obj({
    port: int(0, 65535).default(5061),
    certFile: pattern(/^\/\S+$/, 'an absolute path to a PEM certificate'),
    keyFile: pattern(/^\/\S+$/, 'an absolute path to a PEM private key'),
  })
    .nullable()
    .default(null),
  /** The host put in Via and Contact; null: the listen host, or the first non-internal IPv4 address for 0.0.0.0. */
  publicHost: text(1, 253).nullable().default(null),
  /** Manual §4.3 "回复路径": answer to the Via (RFC 3261 §18.2.2 with rport) or to the packet's source. */
  replyPath: oneOf(['via', 'source']).default('via'),
  timers: obj({
    t1Ms: int(100, 10_000).default(500),
    t2Ms: int(1000, 60_000).default(4000),
    t4Ms: int(1000, 60_000).default(5000),
  }).prefault({}),
  keepAlive: obj({ method: oneOf(['options', 'crlf', 'off']).default('crlf'), intervalSec: int(5, 3600).default(30) }).prefault({}),
  /** Unauthenticated new requests per source address. */
  rateLimit: obj({ perSecond: int(1, 10_000).default(20), burst: int(1, 10_000).default(40) }).prefault({}),
  registration: obj({
    mode: oneOf(['none', 'device', 'per-line', 'per-group']).default('none'),
    account: accountSchema.optional(),
    lines: z.array(accountSchema.extend({ line: int(1, 9999) }), { error: expected('a list of accounts with "line"') }).max(64).default(() => []),
    groups: z.array(obj({ name: groupName, lines: lineIdList, account: accountSchema }), { error: expected('a list of groups') }).max(64).default(() => []),
  }).prefault({}),
  trunk: obj({ peers: z.array(trunkPeerSchema, { error: expected('a list of up to three peer entries') }).max(3, { error: expected('at most three peer entries') }).default(() => []) }).prefault({}),
  inbound: obj({
    /** Manual §4.4: who may call and send through the gateway. */
    auth: oneOf(['none', 'address', 'digest', 'both']).default('address'),
    realm: text(1, 64).default('cellgate'),
    users: z.array(obj({ username: userPart, password }), { error: expected('a list of {"username", "password"}') }).max(256).default(() => []),
  }).prefault({}),
  calls: obj({
    prefixMatch: oneOf(['off', 'caller', 'callee']).default('callee'),
    stripPrefix: bool().default(false),
    lineSelection: oneOf(['round-robin', 'least-minutes']).default('round-robin'),
    dialRules: dialRulesText.default(''),
    strictDialRules: bool().default(false),
    /** Toll-fraud guard: numbers (after the dial rules) starting with one of these are refused, e.g. ["00", "+", "1900"]. */
    denyPrefixes: z.array(pattern(/^\+?[0-9*#]{1,16}$/, 'a number prefix such as "00" or "+"'), { error: expected('a list of number prefixes') }).max(100).default(() => []),
    ringback: oneOf(['180', '183', 'both']).default('180'),
    noAnswerSec: int(5, 600).default(60),
    noRingSec: int(2, 120).default(30),
    /** GSM end → SIP status (the defaults of the issue: busy 486, no answer 480, rejected 603, unreachable 404). */
    causeStatus: obj({
      busy: int(400, 699).default(486),
      noAnswer: int(400, 699).default(480),
      rejected: int(400, 699).default(603),
      unreachable: int(400, 699).default(404),
      other: int(400, 699).default(503),
    }).prefault({}),
    /** Manual §4.6 two-stage dialing: answer, collect digits (SIP INFO) up to "#" or the timeout, then dial. */
    twoStage: obj({
      enabled: bool().default(false),
      digitTimeoutSec: int(1, 60).default(5),
      /**
       * Manual §4.6 "转移号码": a number dialled instead of collecting digits, or "M1:<service number>":
       * every SIP → GSM call dials the service and keys the called number into it as DTMF, then "#".
       */
      forwardNumber: pattern(FORWARD_NUMBER, 'a phone number or "M1:<service number>"').nullable().default(null),
    }).prefault({}),
  }).prefault({}),
  forward: obj({
    /** Where incoming GSM calls go when the line has no rule: "101", "101@192.168.2.2:6060" or "010>101|021>1002"; null: nowhere. */
    default: text(1, 512).nullable().default(null),
    /** Per line id: the same forms. */
    lines: z.record(pattern(/^[0-9]{1,4}$/, 'a line id'), text(1, 512), { error: expected('an object of line id → target') }).default(() => ({})),
    callerId: oneOf(['pai', 'rpid', 'from']).default('from'),
    /**
     * The country's calling code ("86") and trunk prefix ("0"): with a code, a caller-prefix map also
     * matches the caller's other form (`+8610…` against `010>…`, and back). null: only as presented.
     */
    countryCode: pattern(/^[1-9][0-9]{0,2}$/, 'a country calling code of 1 to 3 digits without "+", such as "86"').nullable().default(null),
    trunkPrefix: pattern(/^[0-9]{0,2}$/, 'a national trunk prefix of up to 2 digits, such as "0", or ""').default('0'),
    /** Dial-rule grammar applied to the caller number before it is sent (manual §4.7 CID rewriting). */
    callerIdRules: dialRulesText.default(''),
    noAnswerSec: int(5, 600).default(60),
    /**
     * Two-stage dialling towards VoIP (manual §4.7 "转移号码" unset, definition "二次拨号 ii"): a line with
     * no forward target answers, collects a second number ended by "#" and calls that SIP user. Off by
     * default: such lines keep ringing and being rejected.
     */
    twoStage: obj({
      enabled: bool().default(false),
      /** Only these line ids (each still needs no forward target); null: every line without one. */
      lines: lineIdList.nullable().default(null),
      /** Manual "用户无输入超时(秒)": the wait for the first key and between keys. */
      noInputSec: int(1, 60).default(5),
      /** The longest the whole second number may take, from the answer. */
      totalSec: int(5, 300).default(30),
      /** Manual "拨号规则 — only for two-stage": appendix E rules applied to the collected number. */
      dialRules: dialRulesText.default(''),
      /** The number must match a dial rule completely (appendix E "严格的拨号规则"). */
      strictDialRules: bool().default(false),
      /**
       * What the number may reach: "registrar" an extension of the embedded registrar only; "account"
       * also any user at the PBX account carrying the line. Never a host the caller names.
       */
      reach: oneOf(['registrar', 'account']).default('registrar'),
    }).prefault({}),
  }).prefault({}),
  /**
   * Manual §4.7 call waiting, what a line does with a second call while one is up: "disabled" (waiting off
   * in the network, the caller hears busy), "mode1" (hold, answer the new one, take the first back when it
   * ends), "mode2" (the SIP side presses 32 to swap, 31 to hang up the current call), "mode3" (hold, answer,
   * swap back after 2 s). Modems without call waiting (the generic family) stay as they are.
   */
  callWaiting: obj({
    default: oneOf(CALL_WAITING_MODES).default('disabled'),
    /** Per line id. */
    lines: z.record(pattern(/^[0-9]{1,4}$/, 'a line id'), oneOf(CALL_WAITING_MODES), { error: expected('an object of line id → mode') }).default(() => ({})),
  }).prefault({}),
  registrar: obj({
    enabled: bool().default(false),
    realm: text(1, 64).default('cellgate'),
    extensions: z.array(extensionSchema, { error: expected('a list of extensions') }).max(1000).default(() => []),
    groups: z.array(registrarGroupSchema, { error: expected('a list of groups') }).max(64).default(() => []),
    /**
     * Digest algorithms offered in every 401 (REGISTER, and the challenges of calls and MESSAGEs), most
     * preferred first, one WWW-Authenticate each. MD5 alone by default: libre-based phones (baresip)
     * refuse a 401 that also offers SHA-256, SIPp and svcrack read one challenge only; RFC 8760's
     * SHA-256 can be added for clients known to handle it.
     */
    algorithms: z.array(oneOf(['MD5', 'SHA-256']), { error: expected('a list of "MD5" and "SHA-256"') }).min(1).max(2).default(() => ['MD5' as const]),
  }).prefault({}),
  /** Call media (manual §4.5, §4.4 "DTMF 信号"): RTP ports, packets, codecs, DTMF, timeouts. */
  media: obj({
    /** RTP on an even port, RTCP on the next (RFC 3550 §11); the manual's default range. */
    rtpPorts: pattern(/^\d{1,5}-\d{1,5}$/, 'a port range such as "16384-32768"').default('16384-32768'),
    bindAddress: listenHost.nullable().default(null),
    /** Milliseconds of audio per RTP packet (manual "RTP 包长度", default 20), a multiple of 10. */
    ptimeMs: int(10, 60).refine((v) => v % 10 === 0, { error: expected('10, 20, 30, 40, 50 or 60') }).default(20),
    /** Codecs offered, most preferred first (manual "语音编码顺序"). */
    codecs: z.array(oneOf(['PCMU', 'PCMA']), { error: expected('a list of "PCMU" and "PCMA"') }).min(1).max(2).default(() => ['PCMU' as const, 'PCMA' as const]),
    /** How digits the GSM side keys reach the SIP side: RFC 4733 events, SIP INFO, or in the audio. */
    dtmf: oneOf(['rfc4733', 'info', 'inband']).default('rfc4733'),
    /** How digits from the SIP side reach the GSM side: AT+VTS (the network sends them) or tones in the audio. */
    dtmfToGsm: oneOf(['vts', 'inband']).default('vts'),
    /** Hang up when no RTP arrives for this long during a call (manual "RTP 断线检测"); 0: never. */
    rtpTimeoutSec: int(0, 3600).default(30),
    /** Symmetric RTP (RFC 4961): send to where the peer's RTP comes from, which crosses NAT; false: to its SDP address. */
    symmetricRtp: bool().default(true),
    /** The jitter buffer's hard cap: the most delay it may add, so delay cannot creep. */
    jitterBufferMs: int(40, 500).default(120),
    /**
     * With 8 or more calls bridged, the event loop pauses up to this long after each turn so that the
     * calls' reads and packets are taken together, not one wake-up each (less CPU per call; the GSM
     * side's audio leaves up to this much later). 0: never (decision 0061).
     */
    wakeBatchMs: int(0, 5).default(2),
    /**
     * SRTP with SDES keys (RFC 4568/3711, AES_CM_128_HMAC_SHA1_80): "off"; "optional" (RTP/SAVP offers
     * answered, plain ones too; our offers plain); "required" (our offers RTP/SAVP, plain offers refused).
     * Keys travel in the SDP: use it with SIP over TLS.
     */
    srtp: oneOf(['off', 'optional', 'required']).default('off'),
    /** Call-progress tones we play ourselves (the dial tone of two-stage dialling; manual appendix B). */
    tonePreset: oneOf(['china', 'itu', 'us']).default('china'),
    /** Send no RTP while the GSM side is silent (manual "静音抑制"; RFC 3389 comfort noise). */
    vad: bool().default(false),
  }).prefault({}),
  message: obj({
    destination: oneOf(['body', 'to']).default('body'),
    relayReport: bool().default(true),
  }).prefault({}),
  cdr: obj({ url: httpUrl, secret: text(16, 256, 'a secret of 16 to 256 characters') }).nullable().default(null),
  /**
   * Demo mode's loopback trunk: with simulated modems and nothing configured under `sip`, INVITE and
   * MESSAGE from 127.0.0.1 are accepted without authentication. "auto" does that; "off" never does.
   */
  demoTrunk: oneOf(['auto', 'off']).default('auto'),
});

export type SipConfig = z.output<typeof sipSchema>;
export type SipAccountConfig = z.output<typeof accountSchema>;

/** Rules of the sip section that relate fields or need a parser. */
export function sipErrors(sip: SipConfig, add: (path: string, message: string) => void, parseDialRules: (text: string) => { ok: true } | { ok: false; error: string }): void {
  const reg = sip.registration;
  if (reg.mode === 'device' && reg.account === undefined) add('sip.registration.account', 'missing; expected the account to register when registration.mode is "device"');
  if (reg.mode === 'per-line' && reg.lines.length === 0) add('sip.registration.lines', 'expected at least one account with "line" when registration.mode is "per-line"');
  if (reg.mode === 'per-group' && reg.groups.length === 0) add('sip.registration.groups', 'expected at least one group when registration.mode is "per-group"');
  const seenLines = new Map<number, number>();
  reg.lines.forEach((a, i) => {
    const prev = seenLines.get(a.line);
    if (prev !== undefined) add(`sip.registration.lines[${i}].line`, `line ${a.line} already has the account of sip.registration.lines[${prev}]`);
    else seenLines.set(a.line, i);
  });
  sip.trunk.peers.forEach((p, i) => {
    p.addresses.forEach((a, j) => {
      const r = parseAddressPattern(a);
      if (!r.ok) add(`sip.trunk.peers[${i}].addresses[${j}]`, r.error);
    });
    if (i > 0 && p.register !== undefined) add(`sip.trunk.peers[${i}].register`, 'only the first peer entry can register (manual §4.3)');
  });
  for (const key of ['dialRules'] as const) {
    const r = parseDialRules(sip.calls[key]);
    if (!r.ok) add(`sip.calls.${key}`, r.error);
  }
  const cid = parseDialRules(sip.forward.callerIdRules);
  if (!cid.ok) add('sip.forward.callerIdRules', cid.error);
  const twoStageRules = parseDialRules(sip.forward.twoStage.dialRules);
  if (!twoStageRules.ok) add('sip.forward.twoStage.dialRules', twoStageRules.error);
  const users = new Map<string, number>();
  sip.registrar.extensions.forEach((e, i) => {
    const user = `${e.prefix}${e.number}`;
    const prev = users.get(user);
    if (prev !== undefined) add(`sip.registrar.extensions[${i}]`, `extension ${user} is already defined by sip.registrar.extensions[${prev}]`);
    else users.set(user, i);
  });
  const groups = new Set<string>();
  sip.registrar.groups.forEach((g, i) => {
    if (groups.has(g.name)) add(`sip.registrar.groups[${i}].name`, `group ${JSON.stringify(g.name)} is defined twice`);
    groups.add(g.name);
  });
  const [lo, hi] = sip.media.rtpPorts.split('-').map(Number) as [number, number];
  if (!(lo >= 1024 && hi <= 65535 && hi - lo >= 3)) add('sip.media.rtpPorts', `expected a range within 1024-65535 of at least 4 ports, such as "16384-32768", got ${JSON.stringify(sip.media.rtpPorts)}`);
  if (sip.tls !== null && sip.port !== 0 && sip.tls.port === sip.port) add('sip.tls.port', `expected a port other than sip.port (${sip.port}), got ${sip.tls.port}`);
}
