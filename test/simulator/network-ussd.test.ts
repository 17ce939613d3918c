import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { UssdReply } from '../../modem-drivers/simulator/types.js';
import { DEFAULT_BALANCE_TEXT } from '../../modem-drivers/simulator/network/ussd-service.js';
import { RecordingUe, attachMany, imeiOf, setup, simCard } from './network-harness.js';

test('*100#: balance after ussdMs, m=0', async () => {
  const { clock, net } = setup({ timing: { ussdMs: 1500 } });
  const [a] = attachMany(net, clock, 1);
  let reply: UssdReply | undefined;
  void a!.att.ussd('*100#').then((r) => (reply = r));
  await clock.advanceAsync(1499);
  assert.equal(reply, undefined);
  await clock.advanceAsync(1);
  assert.deepEqual(reply, { m: 0, text: 'Balance: 42.50 CNY, valid until 2027-01-31' });
  assert.equal(DEFAULT_BALANCE_TEXT, 'Balance: 42.50 CNY, valid until 2027-01-31');
});

test('*123#: two-step menu, both branches', async () => {
  const { clock, net } = setup();
  const [a] = attachMany(net, clock, 1);
  const ask = async (text: string): Promise<UssdReply> => {
    const p = a!.att.ussd(text);
    clock.runDue();
    return p;
  };
  assert.deepEqual(await ask('*123#'), { m: 1, text: '1. Balance\n2. Data bundle' });
  assert.deepEqual(await ask('2'), { m: 1, text: '1. 1 GB 10 CNY\n2. 5 GB 30 CNY' });
  assert.deepEqual(await ask(' 1 '), { m: 0, text: 'Ordered 1 GB' });
  // the session is over: "1" alone is no service code
  assert.deepEqual(await ask('1'), { m: 0, text: 'Unknown service code' });
  assert.deepEqual(await ask('*123#'), { m: 1, text: '1. Balance\n2. Data bundle' });
  assert.deepEqual(await ask('1'), { m: 0, text: DEFAULT_BALANCE_TEXT });
  assert.deepEqual(await ask('*123#'), { m: 1, text: '1. Balance\n2. Data bundle' });
  assert.deepEqual(await ask('7'), { m: 2, text: 'Invalid selection' });
  assert.deepEqual(await ask('*555#'), { m: 0, text: 'Unknown service code' });
  // a new service code in the middle of a dialogue starts over
  assert.deepEqual(await ask('*123#'), { m: 1, text: '1. Balance\n2. Data bundle' });
  assert.deepEqual(await ask('*100#'), { m: 0, text: DEFAULT_BALANCE_TEXT });
});

test('*#100#: own number, also for a SIM without a stored number', async () => {
  const { clock, net } = setup();
  const ue = new RecordingUe(imeiOf(1), simCard(1, { number: null }));
  ue.attach(net);
  clock.runDue();
  const p = ue.att.ussd('*#100#');
  clock.runDue();
  assert.deepEqual(await p, { m: 0, text: 'Your number is +8614000000001' });
});

test('ussdCancel ends the dialogue and settles a pending request with m=2', async () => {
  const { clock, net } = setup({ timing: { ussdMs: 1000 } });
  const [a] = attachMany(net, clock, 1);
  const p1 = a!.att.ussd('*123#');
  clock.advance(1000);
  assert.equal((await p1).m, 1);
  const p2 = a!.att.ussd('2');
  a!.att.ussdCancel();
  assert.deepEqual(await p2, { m: 2, text: '' });
  assert.equal(clock.pendingTimers, 0);
  const p3 = a!.att.ussd('1');
  clock.advance(1000);
  assert.deepEqual(await p3, { m: 0, text: 'Unknown service code' });
  // a newer request supersedes one still waiting
  const first = a!.att.ussd('*100#');
  const second = a!.att.ussd('*#100#');
  assert.deepEqual(await first, { m: 2, text: '' });
  clock.advance(1000);
  assert.equal((await second).text, `Your number is ${simCard(1).number}`);
  // detach settles too
  const last = a!.att.ussd('*100#');
  a!.att.detach();
  assert.deepEqual(await last, { m: 2, text: '' });
  assert.deepEqual(await a!.att.ussd('*100#'), { m: 2, text: '' });
  assert.equal(clock.pendingTimers, 0);
});

test('custom menus, free-form input and network-initiated USSD', async () => {
  const { clock, net } = setup({
    ussdMenus: {
      '*100#': { text: (ctx) => `Balance of ${ctx.msisdn}: 1.00 CNY` },
      '*200#': {
        text: 'Top-up: enter the voucher code',
        input: (reply) => ({ text: /^\d{6}$/.test(reply) ? `Voucher ${reply} accepted` : 'Invalid voucher' }),
      },
      '*999#': { text: () => { throw new Error('menu bug'); } },
    },
  });
  const [a] = attachMany(net, clock, 1);
  const ask = async (text: string): Promise<UssdReply> => {
    const p = a!.att.ussd(text);
    clock.runDue();
    return p;
  };
  assert.deepEqual(await ask('*100#'), { m: 0, text: `Balance of ${simCard(1).number}: 1.00 CNY` });
  assert.deepEqual(await ask('*200#'), { m: 1, text: 'Top-up: enter the voucher code' });
  assert.deepEqual(await ask('123456'), { m: 0, text: 'Voucher 123456 accepted' });
  assert.deepEqual(await ask('*999#'), { m: 2, text: 'Service error: menu bug' });
  assert.equal((await ask('*123#')).m, 1); // defaults kept
  assert.equal(net.pushUssd(simCard(1).imsi, { text: 'Reply 1 to confirm', options: { '1': { text: 'Confirmed' } } }), true);
  assert.deepEqual(a!.ussd, [{ m: 1, text: 'Reply 1 to confirm' }]);
  assert.deepEqual(await ask('1'), { m: 0, text: 'Confirmed' });
  assert.equal(net.pushUssd('unknown', { text: 'x' }), false);
});
