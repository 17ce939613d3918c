import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { join } from 'node:path';
import { AtFramer, type FrameToken } from '../../src/at/framer.js';
import { loadTranscript, modemBytes, repoRoot } from '../helpers/transcript.js';
import {
  classifyQind,
  parseQindCcinfo,
  decodeUcs2Hex,
  imeiProblem,
  parseEgmrImei,
  parseQccid,
  parseQcfgIms,
  parseQnwinfo,
  parseQspn,
  parseQtonedet,
  qnwinfoActToRat,
} from '../../modem-drivers/quectel/parse.js';

const value = <T>(r: { ok: true; value: T } | { ok: false; error: string }): T => {
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
};

test('parseQccid', () => {
  assert.equal(value(parseQccid('+QCCID: 89860025128306012474')), '89860025128306012474');
  assert.equal(value(parseQccid('+QCCID: 8944110069265987985F')), '8944110069265987985');
  const bad = parseQccid('+QCCID: 1234');
  assert.ok(!bad.ok && /ICCID/.test(bad.error));
  assert.ok(!parseQccid('+CCID: 89860025128306012474').ok);
});

test('parseQcfgIms: config and VoLTE state', () => {
  assert.deepEqual(value(parseQcfgIms('+QCFG: "ims",1,1')), { config: 1, volte: true });
  assert.deepEqual(value(parseQcfgIms('+QCFG: "ims",0,0')), { config: 0, volte: false });
  assert.deepEqual(value(parseQcfgIms('+QCFG: "ims",2,0')), { config: 2, volte: false });
  assert.deepEqual(value(parseQcfgIms('+QCFG: "ims",1')), { config: 1, volte: null });
  assert.deepEqual(value(parseQcfgIms('+QCFG: "IMS",7,5')), { config: null, volte: null });
  assert.ok(!parseQcfgIms('+QCFG: "nwscanmode",0').ok);
  assert.ok(!parseQcfgIms('+QCFG: "ims"').ok);
  assert.ok(!parseQcfgIms('+QSPN: "ims",1,1').ok);
});

test('qnwinfoActToRat covers the access technologies the manual lists', () => {
  const table: [string, string | null][] = [
    ['No Service', null],
    ['NONE', null],
    ['GSM', '2G'],
    ['GPRS', '2G'],
    ['EDGE', '2G'],
    ['CDMA1X', '2G'],
    ['CDMA1X AND HDR', '3G'],
    ['CDMA1X AND EHRPD', '3G'],
    ['HDR', '3G'],
    ['HDR-EHRPD', '3G'],
    ['WCDMA', '3G'],
    ['HSDPA', '3G'],
    ['HSUPA', '3G'],
    ['HSPA+', '3G'],
    ['TDSCDMA', '3G'],
    ['TDD LTE', '4G'],
    ['FDD LTE', '4G'],
    ['NR5G-SA', '5G'],
    ['something new', null],
  ];
  for (const [act, rat] of table) assert.equal(qnwinfoActToRat(act), rat, act);
});

test('parseQnwinfo', () => {
  assert.deepEqual(value(parseQnwinfo('+QNWINFO: "FDD LTE","46001","LTE BAND 3",1650')), {
    act: 'FDD LTE',
    rat: '4G',
    plmn: '46001',
    band: 'LTE BAND 3',
    channel: 1650,
  });
  assert.deepEqual(value(parseQnwinfo('+QNWINFO: "GSM","46000","GSM 900",62')), { act: 'GSM', rat: '2G', plmn: '46000', band: 'GSM 900', channel: 62 });
  assert.deepEqual(value(parseQnwinfo('+QNWINFO: No Service')), { act: 'No Service', rat: null, plmn: null, band: null, channel: null });
  assert.ok(!parseQnwinfo('+QNWINFO: ').ok);
  assert.ok(!parseQnwinfo('+QSPN: "x"').ok);
});

test('parseQspn, including UCS2 names', () => {
  assert.deepEqual(value(parseQspn('+QSPN: "CHN-UNICOM","UNICOM","",0,"46001"')), {
    fullName: 'CHN-UNICOM',
    shortName: 'UNICOM',
    spn: null,
    alphabet: 0,
    rplmn: '46001',
  });
  // "中国联通" (China Unicom) in UCS2.
  assert.deepEqual(value(parseQspn('+QSPN: "4E2D56FD8054901A","8054901A","",1,"46001"')), {
    fullName: '中国联通',
    shortName: '联通',
    spn: null,
    alphabet: 1,
    rplmn: '46001',
  });
  assert.ok(!parseQspn('+QSPN: "only"').ok);
  assert.equal(decodeUcs2Hex('004F004B'), 'OK');
  assert.equal(decodeUcs2Hex('4F4'), undefined);
});

test('classifyQind', () => {
  assert.deepEqual(classifyQind('+QIND: SMS DONE'), { kind: 'sms-done' });
  assert.deepEqual(classifyQind('+QIND: PB DONE'), { kind: 'pb-done' });
  assert.deepEqual(classifyQind('+QIND: "csq",20,99'), { kind: 'csq', rssi: 20, ber: 99 });
  assert.deepEqual(classifyQind('+QIND: "act","LTE"'), { kind: 'act', act: 'LTE' });
  assert.deepEqual(classifyQind('+QIND: "smsfull","SM"'), { kind: 'smsfull', storage: 'SM' });
  assert.deepEqual(classifyQind('+QIND: "csq",x'), { kind: 'other', text: '"csq",x' });
  assert.deepEqual(classifyQind('+QIND: "FOTA","START"'), { kind: 'other', text: '"FOTA","START"' });
});

test('parseQindCcinfo: the +CLCC fields of one call, a release (<stat> -1, 6, 7), malformed reports', () => {
  assert.deepEqual(value(parseQindCcinfo('+QIND: "ccinfo",1,0,3,0,0,"10086",129')), {
    kind: 'call',
    call: { index: 1, direction: 'mo', state: 'alerting', mode: 'voice', multiparty: false, number: '10086', type: 129 },
  });
  assert.deepEqual(value(parseQindCcinfo('+QIND: "ccinfo",2,1,5,0,1,"+8613800138000",145,"Alice"')), {
    kind: 'call',
    call: { index: 2, direction: 'mt', state: 'waiting', mode: 'voice', multiparty: true, number: '+8613800138000', type: 145 },
  });
  // Withheld number: empty <number>, the type still given.
  assert.deepEqual(value(parseQindCcinfo('+QIND: "ccinfo",1,1,4,0,0,"",128')), {
    kind: 'call',
    call: { index: 1, direction: 'mt', state: 'incoming', mode: 'voice', multiparty: false, number: null, type: 128 },
  });
  for (const stat of [-1, 6, 7]) {
    assert.deepEqual(value(parseQindCcinfo(`+QIND: "ccinfo",1,0,${stat},0,0,"10086",129`)), { kind: 'released', index: 1, direction: 'mo' });
  }
  for (const bad of ['+QIND: "ccinfo",1,0,9,0,0,"1",129', '+QIND: "ccinfo",1,2,0,0,0,"1",129', '+QIND: "ccinfo",1,0', '+QIND: "csq",1,0,0,0,0', '+QIND: "ccinfo",x,0,0,0,0,"1",129']) {
    assert.ok(!parseQindCcinfo(bad).ok, bad);
  }
  assert.equal(classifyQind('+QIND: "ccinfo",1,0,0,0,0,"10086",129').kind, 'ccinfo');
});

test('parseQindCcinfo never throws on arbitrary text', () => {
  fc.assert(fc.property(fc.string(), (s) => void parseQindCcinfo('+QIND: "ccinfo",' + s)));
});

test('fixtures/quectel/ec25/call-ccinfo.txt framed whole and split at every byte: the same call reports', () => {
  const bytes = modemBytes(loadTranscript(join(repoRoot(), 'fixtures', 'quectel', 'ec25', 'call-ccinfo.txt')));
  const reports = (chunks: Uint8Array[]) => {
    const f = new AtFramer();
    const out: string[] = [];
    const take = (t: FrameToken) => {
      if (t.kind !== 'line' || !t.text.startsWith('+QIND: "ccinfo"')) return;
      const r = parseQindCcinfo(t.text);
      out.push(!r.ok ? 'malformed' : r.value.kind === 'released' ? `${r.value.direction} ${r.value.index} released` : `${r.value.call.direction} ${r.value.call.index} ${r.value.call.state} ${r.value.call.number}`);
    };
    for (const c of chunks) f.feed(c, take);
    return out;
  };
  const expected = [
    'mo 1 dialing 10086',
    'mo 1 alerting 10086',
    'mo 1 active 10086',
    'mo 1 released',
    'mt 1 incoming +8613800138000',
    'mt 1 active +8613800138000',
    'mt 1 released',
    'malformed',
  ];
  assert.deepEqual(reports([bytes]), expected);
  for (let i = 1; i < bytes.length; i++) assert.deepEqual(reports([bytes.subarray(0, i), bytes.subarray(i)]), expected, `split at ${i}`);
});

test('parseEgmrImei', () => {
  assert.equal(value(parseEgmrImei('+EGMR: "490154203237518"')), '490154203237518');
  assert.equal(value(parseEgmrImei('+EGMR: 490154203237518')), '490154203237518');
  assert.ok(!parseEgmrImei('+EGMR: "MT6261"').ok);
  assert.ok(!parseEgmrImei('490154203237518').ok);
});

test('imeiProblem: 15 digits with a valid check digit (TS 23.003 Annex B)', () => {
  assert.equal(imeiProblem('490154203237518'), null);
  assert.match(imeiProblem('490154203237519')!, /check digit/);
  assert.match(imeiProblem('49015420323751')!, /15 digits/);
  assert.match(imeiProblem(12345 as unknown as string)!, /15 digits/);
});

test('parseQtonedet: the ASCII code of each of the sixteen keys; other codes and lines are not keys', () => {
  for (const key of '0123456789*#ABCD') assert.equal(value(parseQtonedet(`+QTONEDET: ${key.charCodeAt(0)}`)), key);
  assert.equal(value(parseQtonedet('+QTONEDET:35')), '#');
  for (const bad of ['+QTONEDET: 69', '+QTONEDET: 97', '+QTONEDET: 1', '+QTONEDET: 300', '+QTONEDET: -1', '+QTONEDET: "1"x', '+QTONEDET: 49,100', '+QTONEDET:', '+QIND: 49']) {
    assert.equal(parseQtonedet(bad).ok, false, bad);
  }
});

test('parsers never throw on arbitrary lines', () => {
  fc.assert(
    fc.property(fc.string(), fc.constantFrom('+QCCID: ', '+QCFG: ', '+QNWINFO: ', '+QSPN: ', '+QIND: ', '+EGMR: ', '+QTONEDET: ', ''), (s, prefix) => {
      const line = prefix + s;
      for (const f of [parseQccid, parseQcfgIms, parseQnwinfo, parseQspn, parseEgmrImei, parseQtonedet]) {
        const r = f(line);
        assert.equal(typeof r.ok, 'boolean');
      }
      assert.equal(typeof classifyQind(line).kind, 'string');
      assert.equal(typeof (imeiProblem(s) ?? ''), 'string');
    }),
  );
});
