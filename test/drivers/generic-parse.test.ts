/** Unit tests of the pure TS 27.007 / 27.005 parsers of the generic driver. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  checkPdu,
  cmeErrorText,
  cmsErrorText,
  copsModeName,
  describeFinal,
  iccidFromEf,
  infoParams,
  isRegQueryShape,
  parseCdsHeader,
  parseCeer,
  parseCireg,
  parseClcc,
  parseClip,
  parseCmgl,
  parseCmglHeader,
  parseCmgr,
  parseCmgrHeader,
  parseCmgs,
  parseCmtHeader,
  parseCnum,
  parseCops,
  parseCpin,
  parseCpms,
  parseCrsm,
  parseCsca,
  parseCsq,
  parseCusd,
  parseIccid,
  parseIdentityText,
  parseImei,
  parseImsi,
  parseMemIndex,
  parseRegistration,
  ratOfAct,
  regStatus,
  simStateOfCme,
  simStateOfCmeText,
  tokenize,
  type ParseResult,
} from '../../modem-drivers/generic/parse.js';

function val<T>(r: ParseResult<T>): T {
  if (!r.ok) assert.fail(r.error);
  return r.value;
}
function err<T>(r: ParseResult<T>): string {
  assert.equal(r.ok, false, `expected a parse error, got ${JSON.stringify(r)}`);
  return (r as { error: string }).error;
}

test('tokenize: numbers, quoted strings, empty fields', () => {
  assert.deepEqual(tokenize(' 2,1,"1A2B","01C3D4E5",7'), [2, 1, '1A2B', '01C3D4E5', 7]);
  assert.deepEqual(tokenize('1,,"x",'), [1, null, 'x', null]);
  assert.deepEqual(tokenize(',,'), [null, null, null]);
  assert.deepEqual(tokenize(''), []);
  assert.deepEqual(tokenize('   '), []);
  assert.deepEqual(tokenize('READY'), ['READY']);
  assert.deepEqual(tokenize('SIM PIN'), ['SIM PIN']);
  assert.deepEqual(tokenize('-5, 0, 0123'), [-5, 0, '0123']);
  assert.deepEqual(tokenize('"a,b",1'), ['a,b', 1]);
});

test('tokenize: escapes, embedded quotes, ranges, unterminated strings', () => {
  assert.deepEqual(tokenize('"say \\22hi\\22",1'), ['say "hi"', 1]);
  assert.deepEqual(tokenize('"back\\\\slash"'), ['back\\slash']);
  assert.deepEqual(tokenize('"a\\"b"'), ['a"b']);
  assert.deepEqual(tokenize('"Say "hi" now",15'), ['Say "hi" now', 15]);
  assert.deepEqual(tokenize('(0-2),("GSM","UCS2"),5'), ['(0-2)', '("GSM","UCS2")', 5]);
  assert.deepEqual(tokenize('"open'), ['open']);
  assert.deepEqual(tokenize('"x" ,2'), ['x', 2]);
});

test('tokenize never throws and keeps the field count for comma-free fields (property)', () => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      tokenize(s);
    }),
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.nat(), fc.stringMatching(/^[A-Za-z ]*$/)), { minLength: 1, maxLength: 8 }), (fields) => {
      const line = fields.map((f) => (typeof f === 'number' ? String(f) : `"${f}"`)).join(',');
      assert.deepEqual(tokenize(line), fields);
    }),
  );
});

test('infoParams requires the prefix', () => {
  assert.deepEqual(infoParams('+CSQ: 1,2', '+CSQ:'), [1, 2]);
  assert.equal(infoParams('+CREG: 1', '+CSQ:'), undefined);
});

test('registration: query and URC forms of +CREG/+CGREG/+CEREG', () => {
  assert.deepEqual(val(parseRegistration('+CREG: 2,1,"1A2B","01C3D4E5",7', 'query')), {
    domain: 'cs',
    stat: 'home',
    lac: '1A2B',
    ci: '01C3D4E5',
    act: 7,
    rat: '4G',
  });
  assert.deepEqual(val(parseRegistration('+CREG: 1,"1a2b","01c3d4e5",7', 'urc')), {
    domain: 'cs',
    stat: 'home',
    lac: '1A2B',
    ci: '01C3D4E5',
    act: 7,
    rat: '4G',
  });
  assert.deepEqual(val(parseRegistration('+CREG: 0,5', 'query')), { domain: 'cs', stat: 'roaming', rat: null });
  assert.deepEqual(val(parseRegistration('+CREG: 5', 'urc')), { domain: 'cs', stat: 'roaming', rat: null });
  // the same text means different things in the two contexts
  assert.equal(val(parseRegistration('+CREG: 2,1', 'query')).stat, 'home');
  assert.equal(val(parseRegistration('+CREG: 2,1', 'urc')).stat, 'searching');
  assert.deepEqual(val(parseRegistration('+CGREG: 2,1,"1A2B","01C3D4E5",7,"01"', 'query')), {
    domain: 'ps',
    stat: 'home',
    lac: '1A2B',
    ci: '01C3D4E5',
    act: 7,
    rat: '4G',
  });
  // +CEREG: the TAC is reported in lac; n=4 with PSM timers; cause fields
  assert.deepEqual(val(parseRegistration('+CEREG: 4,1,"2B3C","0A1B2C3D",9,,,"00100100","01000111"', 'query')), {
    domain: 'eps',
    stat: 'home',
    lac: '2B3C',
    ci: '0A1B2C3D',
    act: 9,
    rat: '4G',
  });
  assert.deepEqual(val(parseRegistration('+CEREG: 3,"2B3C",,7,0,15', 'urc')), { domain: 'eps', stat: 'denied', lac: '2B3C', act: 7, rat: '4G' });
  assert.deepEqual(val(parseRegistration('+CEREG: 2,,,', 'urc')), { domain: 'eps', stat: 'searching', rat: null });
  err(parseRegistration('+CSQ: 1,2', 'urc'));
  err(parseRegistration('+CREG: x', 'urc'));
  err(parseRegistration('+CREG:', 'urc'));
  err(parseRegistration('+CREG: "1"', 'query'));
});

test('isRegQueryShape tells a slipped-in URC from the read reply', () => {
  assert.equal(isRegQueryShape('+CREG: 2,1,"1A2B","01C3D4E5",7'), true);
  assert.equal(isRegQueryShape('+CREG: 0,1'), true);
  assert.equal(isRegQueryShape('+CREG: 1,"1A2B","01C3D4E5",7'), false);
  assert.equal(isRegQueryShape('+CREG: 1'), false);
  assert.equal(isRegQueryShape('+CEREG: 2,,,7'), false);
  assert.equal(isRegQueryShape('+CSQ: 2,1'), false);
});

test('<stat> and <AcT> tables', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 42].map(regStatus),
    ['not-registered', 'home', 'searching', 'denied', 'unknown', 'roaming', 'sms-only', 'sms-only', 'emergency-only', 'home', 'roaming', 'emergency-only', 'unknown'],
  );
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, null, undefined].map(ratOfAct),
    ['2G', '2G', '3G', '2G', '3G', '3G', '3G', '4G', '2G', '4G', '4G', '5G', '5G', '5G', null, null, null],
  );
});

test('+COPS read command', () => {
  assert.deepEqual(val(parseCops('+COPS: 0,2,"46000",7')), { mode: 0, format: 2, oper: '46000', act: 7 });
  assert.deepEqual(val(parseCops('+COPS: 0,0,"CHINA MOBILE"')), { mode: 0, format: 0, oper: 'CHINA MOBILE', act: null });
  assert.deepEqual(val(parseCops('+COPS: 2')), { mode: 2, format: null, oper: null, act: null });
  assert.deepEqual(val(parseCops('+COPS: 1,2,"26202",2')), { mode: 1, format: 2, oper: '26202', act: 2 });
  err(parseCops('+COPS: "x"'));
  err(parseCops('+COPS: 0,,"46000"'));
  err(parseCops('+CSQ: 1'));
  assert.deepEqual([0, 1, 2, 3, 4].map(copsModeName), ['auto', 'manual', 'deregistered', 'unknown', 'manual']);
});

test('+CSQ: -113 + 2*rssi, 99 unknown', () => {
  assert.deepEqual(val(parseCsq('+CSQ: 0,0')), { rssi: 0, ber: 0, dbm: -113 });
  assert.deepEqual(val(parseCsq('+CSQ: 31,99')), { rssi: 31, ber: 99, dbm: -51 });
  assert.deepEqual(val(parseCsq('+CSQ: 99,99')), { rssi: 99, ber: 99, dbm: null });
  assert.deepEqual(val(parseCsq('+CSQ: 115,99')), { rssi: 115, ber: 99, dbm: null });
  err(parseCsq('+CSQ: 12'));
  err(parseCsq('+CSQ: a,b'));
});

test('+CLCC rows', () => {
  assert.deepEqual(val(parseClcc('+CLCC: 1,0,2,0,0,"+8613800138000",145')), {
    index: 1,
    direction: 'mo',
    state: 'dialing',
    mode: 'voice',
    multiparty: false,
    number: '+8613800138000',
    type: 145,
  });
  assert.deepEqual(val(parseClcc('+CLCC: 2,1,4,0,1,"10086",129,"Service",0,0')), {
    index: 2,
    direction: 'mt',
    state: 'incoming',
    mode: 'voice',
    multiparty: true,
    number: '10086',
    type: 129,
  });
  assert.deepEqual(val(parseClcc('+CLCC: 3,1,5,9,0')), {
    index: 3,
    direction: 'mt',
    state: 'waiting',
    mode: 'other',
    multiparty: false,
    number: null,
    type: null,
  });
  err(parseClcc('+CLCC: 1,0,7,0,0'));
  err(parseClcc('+CLCC: 1,2,0,0,0'));
  err(parseClcc('+CLCC: 1,0'));
});

test('+CLIP', () => {
  assert.deepEqual(val(parseClip('+CLIP: "+8613900139000",145,"",0,"",0')), { number: '+8613900139000', numberType: 145, validity: 0 });
  assert.deepEqual(val(parseClip('+CLIP: "",128,,,,1')), { number: '', numberType: 128, validity: 1 });
  assert.deepEqual(val(parseClip('+CLIP: "10086",129')), { number: '10086', numberType: 129, validity: null });
  err(parseClip('+CLIP:'));
});

test('+CUSD: commas and quotes inside <str>, optional parts', () => {
  assert.deepEqual(val(parseCusd('+CUSD: 0,"Balance: 12,50 EUR, valid until 2025-01-31",15')), {
    m: 0,
    str: 'Balance: 12,50 EUR, valid until 2025-01-31',
    dcs: 15,
  });
  assert.deepEqual(val(parseCusd('+CUSD: 1,"Reply "1" for more, "2" to quit",15')), { m: 1, str: 'Reply "1" for more, "2" to quit', dcs: 15 });
  assert.deepEqual(val(parseCusd('+CUSD: 0,"Cost \\2212,00\\22",15')), { m: 0, str: 'Cost "12,00"', dcs: 15 });
  assert.deepEqual(val(parseCusd('+CUSD: 0,"00420061006C0061006E00630065",72')), { m: 0, str: '00420061006C0061006E00630065', dcs: 72 });
  assert.deepEqual(val(parseCusd('+CUSD: 2')), { m: 2, str: null, dcs: null });
  assert.deepEqual(val(parseCusd('+CUSD: 4')), { m: 4, str: null, dcs: null });
  assert.deepEqual(val(parseCusd('+CUSD: 0,"no dcs"')), { m: 0, str: 'no dcs', dcs: null });
  assert.deepEqual(val(parseCusd('+CUSD: 0,"unterminated, text')), { m: 0, str: 'unterminated, text', dcs: null });
  assert.deepEqual(val(parseCusd('+CUSD: 0,C8329BFD06,15')), { m: 0, str: 'C8329BFD06', dcs: 15 });
  err(parseCusd('+CUSD: x'));
  err(parseCusd('+CUSD:'));
});

test('+CMTI / +CDSI / +CMT / +CDS headers', () => {
  assert.deepEqual(val(parseMemIndex('+CMTI: "SM",3', '+CMTI:')), { mem: 'SM', index: 3 });
  assert.deepEqual(val(parseMemIndex('+CDSI: "SR",12', '+CDSI:')), { mem: 'SR', index: 12 });
  err(parseMemIndex('+CMTI: "SM"', '+CMTI:'));
  err(parseMemIndex('+CMTI: ,3', '+CMTI:'));
  assert.deepEqual(val(parseCmtHeader('+CMT: ,24')), { alpha: null, length: 24 });
  assert.deepEqual(val(parseCmtHeader('+CMT: "Alice",24')), { alpha: 'Alice', length: 24 });
  assert.deepEqual(val(parseCmtHeader('+CMT: "",24')), { alpha: null, length: 24 });
  err(parseCmtHeader('+CMT: ,'));
  assert.deepEqual(val(parseCdsHeader('+CDS: 25')), { length: 25 });
  err(parseCdsHeader('+CDS: 6,12,"+123",145,"25/01/15,12:00:00+00","25/01/15,12:00:05+00",0'));
});

test('+CMGR / +CMGL PDU-mode headers and bodies', () => {
  assert.deepEqual(val(parseCmgrHeader('+CMGR: 0,,39')), { stat: 0, alpha: null, length: 39 });
  assert.deepEqual(val(parseCmgrHeader('+CMGR: 1,"Bob",20')), { stat: 1, alpha: 'Bob', length: 20 });
  err(parseCmgrHeader('+CMGR: "REC UNREAD","+123",,"25/01/15,12:00:00+00"'));
  assert.deepEqual(val(parseCmglHeader('+CMGL: 4,0,"",39')), { index: 4, stat: 0, alpha: null, length: 39 });
  err(parseCmglHeader('+CMGL: 4,0'));

  assert.deepEqual(val(parseCmgr(['+CMGR: 0,,2', '0001aa'], 7)), { index: 7, stat: 0, pdu: '0001AA' });
  err(parseCmgr(['+CMGR: 0,,2'], 7));
  err(parseCmgr(['+CMGR: 0,,5', '0001AA'], 7));
  err(parseCmgr(['+CMGR: 0,,2', 'hello!'], 7));
  err(parseCmgr([], 7));

  const list = parseCmgl(['+CMGL: 1,1,,2', '0001AA', '+CMGL: 2,0,,9', '00', '+CMGL: 3,0', 'ABCD', '+CMGL: 5,1,,1', '0011']);
  assert.deepEqual(list.messages, [
    { index: 1, stat: 1, pdu: '0001AA' },
    { index: 5, stat: 1, pdu: '0011' },
  ]);
  assert.equal(list.errors.length, 2);
  // a header directly followed by the next header: the body is missing, the next entry still counts
  const gap = parseCmgl(['+CMGL: 1,1,,1', '+CMGL: 2,1,,1', '0011']);
  assert.deepEqual(gap.messages, [{ index: 2, stat: 1, pdu: '0011' }]);
  assert.equal(gap.errors.length, 1);
  err(checkPdu(undefined, 3));
});

test('+CMGS message reference', () => {
  assert.equal(val(parseCmgs('+CMGS: 12')), 12);
  assert.equal(val(parseCmgs('+CMGS: 255,"0011"')), 255);
  err(parseCmgs('+CMGS: 256'));
  err(parseCmgs('+CMGS:'));
});

test('+CPIN codes and CME codes that imply a SIM state', () => {
  assert.equal(val(parseCpin('+CPIN: READY')), 'READY');
  assert.equal(val(parseCpin('+CPIN: SIM PIN')), 'SIM PIN');
  assert.equal(val(parseCpin('+CPIN: SIM PUK2')), 'SIM PUK2');
  assert.equal(val(parseCpin('+CPIN: PH-SIM PIN')), 'PH-SIM PIN');
  assert.equal(val(parseCpin('+CPIN: "READY"')), 'READY');
  assert.equal(val(parseCpin('+CPIN: NOT INSERTED')), 'NOT INSERTED');
  assert.equal(val(parseCpin('+CPIN: PH-NET PIN')), 'UNKNOWN');
  assert.equal(val(parseCpin('+CPIN: NOT READY')), 'UNKNOWN');
  err(parseCpin('+CPIN:'));
  assert.deepEqual([10, 11, 12, 13, 14, 15, 17, 18, 5, 3].map(simStateOfCme), [
    'NOT INSERTED',
    'SIM PIN',
    'SIM PUK',
    'FAILURE',
    'BUSY',
    'FAILURE',
    'SIM PIN2',
    'SIM PUK2',
    'PH-SIM PIN',
    undefined,
  ]);
  assert.equal(simStateOfCmeText('SIM not inserted'), 'NOT INSERTED');
  assert.equal(simStateOfCmeText('SIM PUK required'), 'SIM PUK');
  assert.equal(simStateOfCmeText('SIM PIN2 required'), 'SIM PIN2');
  assert.equal(simStateOfCmeText('SIM busy'), 'BUSY');
  assert.equal(simStateOfCmeText('operation not allowed'), undefined);
});

test('ICCID, +CRSM, EF_ICCID, IMSI, IMEI, identity text', () => {
  assert.equal(val(parseIccid('+CCID: 89441000301641313004')), '89441000301641313004');
  assert.equal(val(parseIccid('+ICCID: "8944100030164131300F"')), '8944100030164131300');
  assert.equal(val(parseIccid('^ICCID: 898600D6091680038571')), '898600D6091680038571');
  assert.equal(val(parseIccid('89860318640220133897')), '89860318640220133897');
  err(parseIccid('+CCID: 12345'));
  err(parseIccid('OK'));
  assert.deepEqual(val(parseCrsm('+CRSM: 144,0,"984401000361141303F0"')), { sw1: 144, sw2: 0, response: '984401000361141303F0' });
  assert.deepEqual(val(parseCrsm('+CRSM: 106,130')), { sw1: 106, sw2: 130, response: '' });
  assert.equal(val(iccidFromEf('984401000361141303F0')), '8944100030164131300');
  err(iccidFromEf('98440'));
  assert.equal(val(parseImsi('460001234567890')), '460001234567890');
  err(parseImsi('ERROR'));
  assert.equal(val(parseImei('490154203237518')), '490154203237518');
  assert.equal(val(parseImei('+CGSN: "490154203237518"')), '490154203237518');
  err(parseImei('49015420323751'));
  assert.equal(val(parseIdentityText(['', '+CGMM: "EC25"'], '+CGMM:')), 'EC25');
  err(parseIdentityText([], '+CGMI:'));
});

test('+CNUM, +CSCA, +CEER, +CIREG, +CPMS', () => {
  assert.deepEqual(val(parseCnum('+CNUM: "Voice","8613800138000",145')), { alpha: 'Voice', number: '+8613800138000', type: 145 });
  assert.deepEqual(val(parseCnum('+CNUM: ,"13800138000",129')), { alpha: null, number: '13800138000', type: 129 });
  err(parseCnum('+CNUM: "x"'));
  assert.deepEqual(val(parseCsca('+CSCA: "+8613800100500",145')), { address: '+8613800100500', type: 145 });
  assert.deepEqual(val(parseCsca('+CSCA: "8613800100500",145')), { address: '+8613800100500', type: 145 });
  assert.deepEqual(val(parseCsca('+CSCA: "",129')), { address: null, type: 129 });
  assert.equal(val(parseCeer('+CEER: Normal call clearing')), 'Normal call clearing');
  assert.equal(val(parseCeer('+CEER: "No cause information available"')), 'No cause information available');
  assert.equal(val(parseCeer('+CEER: ')), null);
  err(parseCeer('+CSQ: 1,1'));
  assert.deepEqual(val(parseCireg('+CIREG: 0,1')), { n: 0, registered: true, extInfo: null });
  assert.deepEqual(val(parseCireg('+CIREG: 2,0,1')), { n: 2, registered: false, extInfo: 1 });
  err(parseCireg('+CIREG: 0'));
  assert.deepEqual(val(parseCpms('+CPMS: "ME",1,255,"ME",1,255,"SM",0,30')), [
    { mem: 'ME', used: 1, total: 255 },
    { mem: 'ME', used: 1, total: 255 },
    { mem: 'SM', used: 0, total: 30 },
  ]);
  assert.deepEqual(val(parseCpms('+CPMS: 0,30,0,30,0,30')), [
    { mem: null, used: 0, total: 30 },
    { mem: null, used: 0, total: 30 },
    { mem: null, used: 0, total: 30 },
  ]);
  err(parseCpms('+CPMS: "ME",1'));
  err(parseCpms('+CPMS: 1,2,3'));
});

test('error code tables and describeFinal', () => {
  assert.equal(cmeErrorText(10), 'SIM not inserted');
  assert.equal(cmeErrorText(16), 'incorrect password');
  assert.equal(cmeErrorText(9999), undefined);
  assert.equal(cmsErrorText(500), 'unknown error');
  assert.equal(cmsErrorText(321), 'invalid memory index');
  assert.equal(cmsErrorText(38), 'network out of order');
  assert.equal(describeFinal({ kind: 'CMS ERROR', code: 500, text: null }), '+CMS ERROR: 500 (unknown error)');
  assert.equal(describeFinal({ kind: 'CME ERROR', code: 777, text: null }), '+CME ERROR: 777 (code 777)');
  assert.equal(describeFinal({ kind: 'CME ERROR', code: null, text: 'SIM busy' }), '+CME ERROR: SIM busy');
  assert.equal(describeFinal({ kind: 'BUSY' }), 'BUSY');
  assert.equal(describeFinal({ kind: 'CONNECT', text: '9600' }), 'CONNECT 9600');
});

test('no parser throws on arbitrary input (property)', () => {
  const parsers: ((s: string) => unknown)[] = [
    (s) => parseRegistration(s, 'query'),
    (s) => parseRegistration(s, 'urc'),
    isRegQueryShape,
    parseCops,
    parseCsq,
    parseClcc,
    parseClip,
    parseCusd,
    (s) => parseMemIndex(s, '+CMTI:'),
    parseCmtHeader,
    parseCdsHeader,
    parseCmgrHeader,
    parseCmglHeader,
    parseCmgs,
    parseCpin,
    parseCnum,
    parseCsca,
    parseCeer,
    parseCireg,
    parseCpms,
    parseIccid,
    parseCrsm,
    iccidFromEf,
    parseImsi,
    parseImei,
    (s) => parseCmgl(s.split('\n')),
    (s) => parseCmgr(s.split('\n'), 1),
  ];
  const prefixes = ['+CREG: ', '+CGREG: ', '+CEREG: ', '+COPS: ', '+CSQ: ', '+CLCC: ', '+CLIP: ', '+CUSD: ', '+CMTI: ', '+CMT: ', '+CDS: ', '+CMGR: ', '+CMGL: ', '+CMGS: ', '+CPIN: ', '+CNUM: ', '+CSCA: ', '+CEER: ', '+CIREG: ', '+CPMS: ', '+CRSM: ', ''];
  fc.assert(
    fc.property(fc.constantFrom(...prefixes), fc.string({ maxLength: 60 }), (prefix, rest) => {
      for (const p of parsers) p(prefix + rest);
    }),
    { numRuns: 2000 },
  );
});
