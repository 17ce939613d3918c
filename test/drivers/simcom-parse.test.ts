import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  cnsmodToRat,
  cpsiModeToRat,
  imeiProblem,
  parseCiccid,
  parseCnsmod,
  parseCpcmreg,
  parseCpsi,
  parseMissedCall,
  parseRxDtmf,
  parseSimei,
  parseVoiceCallEnd,
} from '../../modem-drivers/simcom/parse.js';

const value = <T>(r: { ok: true; value: T } | { ok: false; error: string }): T => {
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
};

test('parseCiccid', () => {
  assert.equal(value(parseCiccid('+ICCID: 89860318740211234567')), '89860318740211234567');
  assert.equal(value(parseCiccid('+ICCID: 8986031874021123456F')), '8986031874021123456');
  assert.ok(!parseCiccid('+ICCID: 12').ok);
  assert.ok(!parseCiccid('+QCCID: 89860318740211234567').ok);
});

test('parseCnsmod: read form and URC form', () => {
  assert.equal(value(parseCnsmod('+CNSMOD: 0,8')), 8);
  assert.equal(value(parseCnsmod('+CNSMOD: 1,4')), 4);
  assert.equal(value(parseCnsmod('+CNSMOD: 3')), 3);
  assert.ok(!parseCnsmod('+CNSMOD: 0,x').ok);
  assert.ok(!parseCnsmod('+CPSI: 0,8').ok);
});

test('cnsmodToRat over the whole <stat> table', () => {
  const expect: Record<number, string | null> = {
    0: null, 1: '2G', 2: '2G', 3: '2G', 4: '3G', 5: '3G', 6: '3G', 7: '3G', 8: '4G', 9: '3G', 10: '3G', 11: '3G', 12: '3G',
    13: '2G', 14: '3G', 15: '3G', 16: '4G', 17: null, 23: '3G', 24: '3G', 99: null,
  };
  for (const [stat, rat] of Object.entries(expect)) assert.equal(cnsmodToRat(Number(stat)), rat, `stat ${stat}`);
});

test('parseCpsi: LTE, GSM, WCDMA and no service', () => {
  assert.deepEqual(value(parseCpsi('+CPSI: LTE,Online,460-00,0x5A1E,187214290,257,EUTRAN-BAND3,1825,5,5,-94,-850,-545,15')), {
    systemMode: 'LTE',
    operationMode: 'Online',
    plmn: '46000',
    rat: '4G',
  });
  assert.deepEqual(value(parseCpsi('+CPSI: GSM,Online,460-00,0x182d,12401,27 EGSM 900,-64,2110,42-42')), {
    systemMode: 'GSM',
    operationMode: 'Online',
    plmn: '46000',
    rat: '2G',
  });
  assert.equal(value(parseCpsi('+CPSI: WCDMA,Online,001-01,0xC000,0,WCDMA IMT 2000,0,10700,0')).rat, '3G');
  assert.deepEqual(value(parseCpsi('+CPSI: NO SERVICE,Online')), { systemMode: 'NO SERVICE', operationMode: 'Online', plmn: null, rat: null });
  assert.ok(!parseCpsi('+CPSI: ').ok);
  assert.equal(cpsiModeToRat('GSM-LIMITED'), '2G');
  assert.equal(cpsiModeToRat('TDS'), '3G');
  assert.equal(cpsiModeToRat('NR5G_SA'), '5G');
});

test('parseSimei and parseCpcmreg', () => {
  assert.equal(value(parseSimei('+SIMEI: 490154203237518')), '490154203237518');
  assert.equal(value(parseSimei('+SIMEI: "490154203237518"')), '490154203237518');
  assert.ok(!parseSimei('+SIMEI: 123').ok);
  assert.equal(value(parseCpcmreg('+CPCMREG: 1')), true);
  assert.equal(value(parseCpcmreg('+CPCMREG: 0')), false);
  assert.ok(!parseCpcmreg('+CPCMREG: (0-1)').ok);
});

test('parseVoiceCallEnd: HHMMSS, m:ss, bare', () => {
  assert.deepEqual(value(parseVoiceCallEnd('VOICE CALL: END: 000008')), { seconds: 8 });
  assert.deepEqual(value(parseVoiceCallEnd('VOICE CALL: END: 010203')), { seconds: 3723 });
  assert.deepEqual(value(parseVoiceCallEnd('VOICE CALL: END: 0:12')), { seconds: 12 });
  assert.deepEqual(value(parseVoiceCallEnd('VOICE CALL: END')), { seconds: null });
  assert.deepEqual(value(parseVoiceCallEnd('VOICE CALL: END: soon')), { seconds: null });
  assert.ok(!parseVoiceCallEnd('VOICE CALL: BEGIN').ok);
});

test('parseMissedCall', () => {
  assert.deepEqual(value(parseMissedCall('MISSED_CALL: 11:53AM 08020866256')), { time: '11:53AM', number: '08020866256' });
  assert.deepEqual(value(parseMissedCall('MISSED_CALL: 13800138000')), { time: null, number: '13800138000' });
  assert.deepEqual(value(parseMissedCall('MISSED_CALL:')), { time: null, number: null });
  assert.ok(!parseMissedCall('RING').ok);
});

test('imeiProblem', () => {
  assert.equal(imeiProblem('490154203237518'), null);
  assert.notEqual(imeiProblem('490154203237517'), null);
});

test('parseRxDtmf: each of the sixteen keys (quoted or not, lower-case A-D too); other lines are not keys', () => {
  for (const key of '0123456789*#ABCD') assert.deepEqual(parseRxDtmf(`+RXDTMF: ${key}`), { ok: true, value: key });
  assert.deepEqual(parseRxDtmf('+RXDTMF:"#"'), { ok: true, value: '#' });
  assert.deepEqual(parseRxDtmf('+RXDTMF: d'), { ok: true, value: 'D' });
  for (const bad of ['+RXDTMF: 1400', '+RXDTMF: E', '+RXDTMF:', '+RXDTMF: 1,100', '+DTMF: 1']) assert.equal(parseRxDtmf(bad).ok, false, bad);
});

test('parsers never throw on arbitrary lines', () => {
  fc.assert(
    fc.property(fc.string(), fc.constantFrom('+ICCID: ', '+CNSMOD: ', '+CPSI: ', '+SIMEI: ', '+CPCMREG: ', 'VOICE CALL: END: ', 'MISSED_CALL: ', '+RXDTMF: ', ''), (s, prefix) => {
      const line = prefix + s;
      for (const f of [parseCiccid, parseCnsmod, parseCpsi, parseSimei, parseCpcmreg, parseVoiceCallEnd, parseMissedCall, parseRxDtmf]) {
        assert.equal(typeof f(line).ok, 'boolean');
      }
    }),
  );
});
