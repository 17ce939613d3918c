/**
 * A +CUSD whose <str> holds line breaks reaches the host as several lines (the framer ends a line at
 * CR/LF); the generic driver joins them back into one 'ussd' event (modem-drivers/generic).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AtChannel } from '../../src/at/channel.js';
import { silentLogger } from '../../src/util/log.js';
import { openGenericModem } from '../../modem-drivers/generic/descriptor.js';
import { cusdCloses, cusdIsOpen, parseCusd } from '../../modem-drivers/generic/parse.js';
import type { ModemEvent } from '../../modem-drivers/types.js';
import { FakePort } from '../helpers/fake-port.js';

function rig(onCusd: (cmd: string, p: FakePort) => void) {
  const port = new FakePort((cmd, p) => (cmd.startsWith('AT+CUSD') ? onCusd(cmd, p) : p.reply()));
  const channel = new AtChannel(port, { log: silentLogger(), defaultTimeoutMs: 2000 });
  const driver = openGenericModem(channel, { log: silentLogger() });
  const events: ModemEvent[] = [];
  driver.onEvent((e) => events.push(e));
  return { port, channel, driver, events };
}

async function until(what: string, cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('cusdIsOpen / cusdCloses tell an unterminated quoted <str>', () => {
  assert.equal(cusdIsOpen('+CUSD: 1,"1. Balance'), true);
  assert.equal(cusdIsOpen('+CUSD: 1,"1. Balance",15'), false);
  assert.equal(cusdIsOpen('+CUSD: 0,"",15'), false);
  assert.equal(cusdIsOpen('+CUSD: 0,"text"'), false);
  assert.equal(cusdIsOpen('+CUSD: 2'), false);
  assert.equal(cusdIsOpen('+CUSD: 0,004100420043,72'), false);
  assert.equal(cusdIsOpen('+CUSD: 0,"'), true);
  assert.equal(cusdCloses('3. Exit",15'), true);
  assert.equal(cusdCloses('3. Exit" , 72 '), true);
  assert.equal(cusdCloses('3. Exit"'), true);
  assert.equal(cusdCloses('2. Data'), false);
  assert.deepEqual(parseCusd('+CUSD: 1,"a\nb, c\nd",15'), { ok: true, value: { m: 1, str: 'a\nb, c\nd', dcs: 15 } });
});

test('a menu in three lines after OK becomes one event with LF between the lines', async () => {
  const { port, channel, driver, events } = rig((cmd, p) => {
    p.reply();
    setTimeout(() => p.send('\r\n+CUSD: 1,"1. Balance\r\n2. Data bundle\r\n3. Exit",15\r\n'), 10);
  });
  await driver.ussd.send('*123#');
  await until('ussd', () => events.length > 0);
  assert.deepEqual(events, [{ type: 'ussd', m: 1, str: '1. Balance\n2. Data bundle\n3. Exit', dcs: 15 }]);
  await channel.close();
  port.unplug();
});

test('before OK, in chunks, with a blank line and a comma: still one event, and the command completes', async () => {
  const { channel, driver, events } = rig((_cmd, p) => {
    p.send('\r\n+CUSD: 0,"Balance: 5,00 EUR\r\n');
    setTimeout(() => p.send('\r\n\r\nValid until 31.01",15\r\n\r\nOK\r\n'), 20);
  });
  await driver.ussd.send('*100#');
  await until('ussd', () => events.length > 0);
  assert.deepEqual(events, [{ type: 'ussd', m: 0, str: 'Balance: 5,00 EUR\nValid until 31.01', dcs: 15 }]);
  await channel.close();
});

test('an unterminated +CUSD is delivered as it is after a quiet second; a new +CUSD delivers the open one at once', async () => {
  const { port, channel, events } = rig((_cmd, p) => p.reply());
  port.send('\r\n+CUSD: 0,"cut short\r\n');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(events.length, 0, 'held while more lines may come');
  await until('flush', () => events.length === 1, 2000);
  assert.deepEqual(events[0], { type: 'ussd', m: 0, str: 'cut short', dcs: null });

  port.send('\r\n+CUSD: 1,"first\r\n\r\n+CUSD: 0,"second",15\r\n');
  await until('two more', () => events.length === 3);
  assert.deepEqual(events.slice(1), [
    { type: 'ussd', m: 1, str: 'first', dcs: null },
    { type: 'ussd', m: 0, str: 'second', dcs: 15 },
  ]);
  // Other URCs flow as before once the string is closed.
  port.send('\r\nRING\r\n');
  await until('ring', () => events.length === 4);
  assert.deepEqual(events[3], { type: 'ring' });
  await channel.close();
});
