import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { AtChannel } from '../../src/at/channel.js';
import { AtClosedError, AtCommandError, AtInterruptedError, AtTimeoutError, type Urc } from '../../src/at/types.js';
import { silentLogger } from '../../src/util/log.js';
import { listFixtures, loadTranscript, ScriptedModem } from '../helpers/transcript.js';
import { FakePort } from '../helpers/fake-port.js';

const fixture = (name: string) => loadTranscript(listFixtures('at').find((f) => f.endsWith(name))!);

function scripted(name: string) {
  const modem = new ScriptedModem(fixture(name));
  const ch = new AtChannel(modem, { log: silentLogger(), defaultTimeoutMs: 2000 });
  const urcs: Urc[] = [];
  ch.onUrc((u) => urcs.push(u));
  return { modem, ch, urcs };
}

test('URCs inside a response are routed out and the response keeps its own lines', async () => {
  const { modem, ch, urcs } = scripted('urc-inside-response.txt');
  const lines = await ch.exec({ cmd: 'AT+CLCC', prefixes: ['+CLCC:'] });
  assert.deepEqual(lines, ['+CLCC: 1,0,0,0,0,"+8613800138000",145', '+CLCC: 2,1,4,0,0,"10086",129']);
  assert.deepEqual(urcs.map((u) => u.line), ['+CMTI: "SM",3', '+CREG: 1,"1A2B","01C3D4E5",7']);
  assert.deepEqual(modem.errors, []);
  assert.ok(modem.finished);
});

test('a +CMT URC with its PDU arriving before the prompt, and +CMTI after it, do not disturb AT+CMGS', async () => {
  const { modem, ch, urcs } = scripted('urc-during-prompt.txt');
  const r = await ch.send({
    cmd: 'AT+CMGS=18',
    prefixes: ['+CMGS:'],
    promptData: '0011000B916407281553F80000AA0AE8329BFD4697D9EC37',
  });
  assert.equal(r.final.kind, 'OK');
  assert.deepEqual(r.lines, ['+CMGS: 12']);
  assert.deepEqual(urcs, [
    { line: '+CMT: ,24', body: '0791448720003023240DD0E474D81C0EBB010000111011315214000BE474D81C0EBB5DE3771B', known: true },
    { line: '+CMTI: "ME",1', known: true },
  ]);
  assert.deepEqual(modem.errors, []);
  assert.ok(modem.finished);
});

test('echo of the command and of the PDU is dropped', async () => {
  const { modem, ch } = scripted('echo-on.txt');
  assert.deepEqual(await ch.exec({ cmd: 'AT+CSQ', prefixes: ['+CSQ:'] }), ['+CSQ: 23,99']);
  assert.deepEqual(
    await ch.exec({ cmd: 'AT+CMGS=18', prefixes: ['+CMGS:'], promptData: '0011000B916407281553F80000AA0AE8329BFD4697D9EC37' }),
    ['+CMGS: 7'],
  );
  assert.deepEqual(modem.errors, []);
});

test('+CME ERROR numeric and text forms, +CMS ERROR and ERROR', async () => {
  const { modem, ch } = scripted('errors.txt');
  assert.deepEqual((await ch.send({ cmd: 'AT+CPIN?', prefixes: ['+CPIN:'] })).final, { kind: 'CME ERROR', code: 10, text: null });
  assert.deepEqual((await ch.send({ cmd: 'AT+CPIN?', prefixes: ['+CPIN:'] })).final, {
    kind: 'CME ERROR',
    code: null,
    text: 'SIM not inserted',
  });
  const e = await ch.exec({ cmd: 'AT+CMGS=18', prefixes: ['+CMGS:'], promptData: '0011000B916407281553F80000AA0AE8329BFD4697D9EC37' }).catch((x) => x);
  assert.ok(e instanceof AtCommandError);
  assert.deepEqual(e.final, { kind: 'CMS ERROR', code: 500, text: null });
  assert.equal(e.message, 'AT+CMGS=18: +CMS ERROR: 500');
  const r = await ch.send({ cmd: 'AT+FOO' });
  assert.equal(r.final.kind, 'ERROR');
  assert.equal(r.ok, false);
  assert.deepEqual(modem.errors, []);
});

test('a prompt nobody asked for (stuck modem) is left with ESC and the channel goes on', async () => {
  const { modem, ch } = scripted('stuck-prompt.txt');
  const events: string[] = [];
  ch.onEvent((e) => events.push(e.type));
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(events.includes('stuck-prompt'));
  assert.deepEqual(await ch.exec('AT'), []);
  assert.deepEqual(modem.errors, []);
  assert.ok(modem.finished);
});

test('garbage bytes are skipped with an event and the reply still parses', async () => {
  const { ch } = scripted('garbage.txt');
  const garbage: number[] = [];
  ch.onEvent((e) => e.type === 'garbage' && garbage.push(e.bytes));
  assert.deepEqual(await ch.exec({ cmd: 'AT+CSQ', prefixes: ['+CSQ:'] }), ['+CSQ: 18,99']);
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(garbage, [4, 1, 3]);
  assert.equal(ch.stats.garbageBytes, 8);
});

test('timeout rejects, and a late answer is not taken for the next command (resync)', async () => {
  let n = 0;
  const port = new FakePort((cmd, p) => {
    n++;
    if (cmd === 'AT+SLOW') setTimeout(() => p.reply(['+SLOW: late']), 80);
    else if (cmd === 'AT') p.reply();
    else if (cmd === 'AT+CSQ') p.reply(['+CSQ: 20,99']);
  });
  const ch = new AtChannel(port, { log: silentLogger(), resyncQuietMs: 100 });
  const events: string[] = [];
  ch.onEvent((e) => events.push(e.type));
  const slow = ch.send({ cmd: 'AT+SLOW', prefixes: ['+SLOW:'], timeoutMs: 30 });
  const csq = ch.exec({ cmd: 'AT+CSQ', prefixes: ['+CSQ:'] });
  await assert.rejects(slow, AtTimeoutError);
  assert.deepEqual(await csq, ['+CSQ: 20,99']);
  assert.deepEqual(port.received, ['AT+SLOW', 'AT', 'AT+CSQ']);
  assert.ok(events.includes('timeout'));
  assert.ok(events.includes('stray'), 'the late OK was recognised as stray');
  assert.equal(n, 3);
});

test('a timeout while at the prompt sends ESC so the modem does not eat the next command', async () => {
  // The modem enters text mode for the PDU but its "> " never reaches the host (lost on the wire).
  const port = new FakePort((cmd, p) => {
    if (cmd.startsWith('AT+CMGS')) p.inPrompt = true;
    else if (cmd === 'AT') p.reply();
  });
  const ch = new AtChannel(port, { log: silentLogger(), resyncQuietMs: 5 });
  await assert.rejects(ch.send({ cmd: 'AT+CMGS=10', promptData: '00', timeoutMs: 30 }), AtTimeoutError);
  assert.deepEqual(await ch.exec('AT'), []);
  assert.deepEqual(port.received, ['AT+CMGS=10', 'ESC:', 'AT', 'AT']);
});

test('a stuck prompt during AT+CSQ: the command is interrupted, and replies around the ESC are not taken for AT+CPMS? (resync)', async () => {
  const CPMS_ME = '+CPMS: "ME",1,255,"ME",1,255,"ME",1,255';
  const port = new FakePort((cmd, p) => {
    // The modem still sits at the "> " of an earlier send: AT+CSQ becomes PDU text and the prompt shows.
    if (cmd === 'AT+CSQ') p.prompt();
    // After ESC: the cancelled send's OK, then a late answer to an AT+CPMS? of before (another memory).
    else if (cmd.startsWith('ESC:')) p.send('\r\nOK\r\n\r\n+CPMS: "SR",0,50,"ME",1,255,"ME",1,255\r\n\r\nOK\r\n');
    else if (cmd === 'AT') p.reply();
    else if (cmd === 'AT+CPMS?') p.reply([CPMS_ME]);
  });
  const ch = new AtChannel(port, { log: silentLogger(), resyncQuietMs: 30 });
  const events: string[] = [];
  ch.onEvent((e) => events.push(e.type));
  const csq = ch.send({ cmd: 'AT+CSQ', prefixes: ['+CSQ:'] });
  const cpms = ch.exec({ cmd: 'AT+CPMS?', prefixes: ['+CPMS:'] });
  await assert.rejects(csq, AtInterruptedError);
  assert.deepEqual(await cpms, [CPMS_ME]);
  assert.deepEqual(port.received, ['AT+CSQ', 'ESC:', 'AT', 'AT+CPMS?']);
  assert.ok(events.includes('stuck-prompt'));
  assert.ok(events.includes('stray'), 'the late OK was recognised as stray');
});

test('after escape() the next command waits for a resync: replies to what the ESC cut off are discarded', async () => {
  const port = new FakePort((cmd, p) => {
    if (cmd === 'ESC') p.send('\r\n+CSQ: 31,99\r\n\r\nOK\r\n');
    else if (cmd === 'AT') p.reply();
    else if (cmd === 'AT+CSQ') setTimeout(() => p.reply(['+CSQ: 12,99']), 5);
  });
  const ch = new AtChannel(port, { log: silentLogger(), resyncQuietMs: 30 });
  ch.escape();
  assert.deepEqual(await ch.exec({ cmd: 'AT+CSQ', prefixes: ['+CSQ:'] }), ['+CSQ: 12,99']);
  assert.deepEqual(port.received, ['ESC', 'AT', 'AT+CSQ']);
});

test('urgent commands overtake queued ones; equal priorities keep their order', async () => {
  const port = new FakePort((_cmd, p) => p.reply());
  const ch = new AtChannel(port, { log: silentLogger() });
  const all = [
    ch.exec('AT+A'),
    ch.exec({ cmd: 'AT+B', priority: 'low' }),
    ch.exec('AT+C'),
    ch.exec({ cmd: 'AT+CHUP', priority: 'urgent' }),
    ch.exec({ cmd: 'AT+D', priority: 'high' }),
  ];
  await Promise.all(all);
  assert.deepEqual(port.received, ['AT+A', 'AT+CHUP', 'AT+D', 'AT+C', 'AT+B']);
});

test('NO CARRIER ends ATD but is a URC while another command runs', async () => {
  const port = new FakePort((cmd, p) => {
    if (cmd.startsWith('ATD')) p.reply([], 'NO CARRIER');
    if (cmd === 'AT+CSQ') p.send('\r\nNO CARRIER\r\n\r\n+CSQ: 9,99\r\n\r\nOK\r\n');
  });
  const ch = new AtChannel(port, { log: silentLogger() });
  const urcs: string[] = [];
  ch.onUrc((u) => urcs.push(u.line));
  const r = await ch.send({ cmd: 'ATD10086;', extraFinals: ['NO CARRIER', 'BUSY', 'NO ANSWER', 'NO DIALTONE'] });
  assert.equal(r.final.kind, 'NO CARRIER');
  assert.deepEqual(await ch.exec({ cmd: 'AT+CSQ', prefixes: ['+CSQ:'] }), ['+CSQ: 9,99']);
  assert.deepEqual(urcs, ['NO CARRIER']);
});

test('+CMGR/+CMGL PDU lines belong to the response (pduAfter), bare commands take bare lines', async () => {
  const port = new FakePort((cmd, p) => {
    if (cmd === 'AT+CMGL=4') p.reply(['+CMGL: 1,0,,24', '07914477', '+CMGL: 2,1,,22', '07915566']);
    if (cmd === 'AT+CGSN') p.reply(['861234567890123']);
  });
  const ch = new AtChannel(port, { log: silentLogger() });
  assert.deepEqual(await ch.exec({ cmd: 'AT+CMGL=4', prefixes: ['+CMGL:'], pduAfter: ['+CMGL:'] }), [
    '+CMGL: 1,0,,24',
    '07914477',
    '+CMGL: 2,1,,22',
    '07915566',
  ]);
  assert.deepEqual(await ch.exec('AT+CGSN'), ['861234567890123']);
});

test('a closed port rejects the command in flight and everything queued', async () => {
  const port = new FakePort(() => {});
  const ch = new AtChannel(port, { log: silentLogger() });
  const a = ch.send({ cmd: 'AT' });
  const b = ch.send({ cmd: 'AT+CSQ' });
  port.unplug(new Error('USB gone'));
  await assert.rejects(a, AtClosedError);
  await assert.rejects(b, AtClosedError);
  await assert.rejects(ch.send({ cmd: 'AT' }), /AT port closed \(USB gone\)/);
});

test('secret commands (PIN entry) never reach the log, even at trace level', async () => {
  let logged = '';
  const sink = new Writable({ write(c, _e, cb) { logged += c.toString(); cb(); } });
  const log = pino({ level: 'trace' }, sink);
  // echo on: the modem sends the PIN command back
  const port = new FakePort((cmd, p) => (cmd.startsWith('AT+CPIN=') ? p.send(`${cmd}\r\r\n+CME ERROR: 16\r\n`) : p.reply()));
  const ch = new AtChannel(port, { log });
  const e = await ch.exec({ cmd: 'AT+CPIN="4821"', secret: true }).catch((x) => x);
  assert.ok(e instanceof AtCommandError);
  assert.ok(!e.message.includes('4821'));
  await new Promise((r) => setTimeout(r, 10));
  assert.ok(logged.length > 0);
  assert.ok(!logged.includes('4821'), logged);
});

test('connectData: bytes sent after an intermediate CONNECT, then the final result ends the command', async () => {
  let got = '';
  const port = new FakePort((cmd, p) => {
    if (cmd.startsWith('AT+QHTTPURL=')) {
      p.reply([], 'CONNECT');
    }
  });
  const orig = port.write.bind(port);
  port.write = (d) => {
    const t = typeof d === 'string' ? d : d.toString('latin1');
    if (!t.startsWith('AT') && !t.endsWith('\r')) {
      got += t;
      if (got === 'http://127.0.0.1/x') port.reply([]);
      return;
    }
    orig(d);
  };
  const ch = new AtChannel(port, { log: silentLogger() });
  const r = await ch.send({ cmd: 'AT+QHTTPURL=18,80', connectData: 'http://127.0.0.1/x', timeoutMs: 2000 });
  assert.equal(r.final.kind, 'OK');
  assert.equal(got, 'http://127.0.0.1/x');
});
