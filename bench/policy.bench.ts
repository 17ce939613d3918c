/**
 * SIM policy engine throughput (issue 4 target: >= 100,000 decisions/s) over a mixed stream of call,
 * SMS and tick events on 8 lines with limits and rules configured. The cost of one durable counter
 * update is measured by store.bench.ts.
 */
import { decide, defaultPolicyConfig, initialPolicyState, parseLimit, type PolicyEvent, type PolicyState, type SlotId } from '../src/policy/index.js';

const lim = (t: string) => {
  const r = parseLimit(t);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const config = defaultPolicyConfig({
  timezone: 'Asia/Shanghai',
  limits: { callMinutes: lim('05:00-12:00,300|12:00-23:00,600'), callCount: lim('D5,5000'), callCountIncludesUnanswered: true, smsCount: lim('1000') },
  switchRules: { strategy: 'sequential', triggers: { calls: 50, 'bind-minutes': 120 }, duringCall: 'wait', switchWhenExhausted: true },
  disableRules: [{ trigger: 'consecutive-no-answer', threshold: 5, disableMinutes: 60 }],
});

let state: PolicyState = initialPolicyState({ timeTrusted: true, timeSource: 'bench', seed: 7 });
let now = Date.UTC(2026, 5, 10, 2, 0, 0);
const LINES = 8;
for (let l = 1; l <= LINES; l++) state = decide(config, state, now, { type: 'sim-bound', line: String(l), slot: 'A' as SlotId, iccid: `8986000000000000${l}` }).state;

function* events(): Generator<PolicyEvent> {
  let i = 0;
  for (;;) {
    const line = String((i % LINES) + 1);
    const k = i % 10;
    if (k < 4) {
      yield { type: 'call-attempt', line };
      yield { type: 'alerting', line };
      yield { type: 'answered', line };
      yield { type: 'call-ended', line, durationSec: 30 + (i % 90), cause: 'normal' };
    } else if (k < 7) yield { type: 'sms-sent', line };
    else if (k < 9) {
      yield { type: 'call-attempt', line };
      yield { type: 'call-ended', line, durationSec: 0, cause: 'no-answer' };
    } else yield { type: 'tick', line };
    i++;
  }
}

const gen = events();
const run = (n: number) => {
  for (let i = 0; i < n; i++) {
    now += 250;
    state = decide(config, state, now, gen.next().value as PolicyEvent).state;
  }
};
run(20_000); // warm-up
const N = 300_000;
const t0 = process.hrtime.bigint();
run(N);
const s = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`policy engine: ${Math.round(N / s).toLocaleString('en')} decisions/s over ${LINES} lines (mixed calls, SMS, ticks)  target >= 100,000/s`);
