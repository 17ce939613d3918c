/**
 * A 30-day simulation with the injected clock: two lines of four SIMs, thousands of synthetic calls
 * and SMS, ticks every minute. Checks against an independent bookkeeping (Intl, not the engine's
 * local-time helper): the 04:10 daily statistics reset, a `D5` monthly minutes cycle, and a
 * two-window SMS day.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canCall,
  canSendSms,
  decide,
  defaultPolicyConfig,
  initialPolicyState,
  nextDeadline,
  parseLimit,
  remaining,
  statistics,
  SLOTS,
  type Decision,
  type LimitSpec,
  type PolicyEvent,
  type PolicyState,
  type SlotId,
} from '../../src/policy/index.js';

const TZ = 'Asia/Tokyo'; // UTC+9, no DST
const L = (t: string): LimitSpec => {
  const r = parseLimit(t);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
function local(now: number): { date: string; y: number; m: number; d: number; minute: number } {
  const p = Object.fromEntries(fmt.formatToParts(now).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, y: Number(p.year), m: Number(p.month), d: Number(p.day), minute: Number(p.hour) * 60 + Number(p.minute) };
}
/** The D5 cycle a local instant belongs to. */
function cycleOf(now: number): string {
  const t = local(now);
  let { y, m } = t;
  if (t.d < 5) {
    m -= 1;
    if (m === 0) {
      m = 12;
      y -= 1;
    }
  }
  return `${y}-${m}`;
}
/** The SMS window instance (08:00-12:00 → 20, 12:00-20:00 → 30) or null outside both. */
function smsWindow(now: number): { key: string; amount: number } | null {
  const t = local(now);
  if (t.minute >= 480 && t.minute < 720) return { key: `${t.date}/1`, amount: 20 };
  if (t.minute >= 720 && t.minute < 1200) return { key: `${t.date}/2`, amount: 30 };
  return null;
}
function statsDay(now: number): string {
  return local(now - (4 * 60 + 10) * 60_000).date;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('30 days of synthetic traffic: 04:10 daily reset, D5 monthly cycle, two-window day', (t0) => {
  const config = defaultPolicyConfig({
    timezone: TZ,
    billingPeriodSec: 60,
    onMinutesExhausted: 'hangup',
    onSmsExhausted: 'block-sms',
    limits: { callMinutes: L('D5,1000'), smsCount: L('08:00-12:00,20|12:00-20:00,30'), callCountIncludesUnanswered: true },
    shortCallSec: 8,
    switchRules: { strategy: 'most-minutes', triggers: { calls: 25, 'bind-minutes': 240 }, duringCall: 'wait', switchWhenExhausted: true },
    disableRules: [{ trigger: 'consecutive-no-answer', threshold: 4, disableMinutes: 30 }],
  });
  const lines = ['1', '2'];
  const start = Date.UTC(2024, 11, 20, 15, 0); // 2024-12-21 00:00 Tokyo
  const end = start + 30 * 86_400_000;
  let state: PolicyState = initialPolicyState({ timeTrusted: true, seed: 1 });
  let now = start;
  const rand = rng(2024);

  // Independent bookkeeping per SIM ("line/slot").
  const billedByCycle = new Map<string, number>(); // sim|cycle → billed seconds
  const smsByWindow = new Map<string, number>(); // sim|window → SMS
  const today = new Map<string, { day: string; calls: number; sms: number }>();
  let calls = 0;
  let sms = 0;
  let hangups = 0;
  let resetsSeen = 0;
  let cycleStartsSeen = 0;
  let windowStartsSeen = 0;

  type Call = { slot: SlotId; answered: boolean; answeredAt: number; endAt: number; ringEnd: number; cause: 'normal' | 'no-answer' };
  const inCall = new Map<string, Call>();
  const hungUp = new Set<string>();

  const feed = (e: PolicyEvent): Decision[] => {
    const r = decide(config, state, now, e);
    state = r.state;
    for (const d of r.decisions) {
      if (d.type === 'bind' || d.type === 'switch') feed({ type: 'sim-bound', line: d.line, slot: d.type === 'bind' ? d.slot : d.to, iccid: `${d.line}${d.type === 'bind' ? d.slot : d.to}` });
      if (d.type === 'hangup') hungUp.add(d.line);
    }
    return r.decisions;
  };
  const bumpToday = (sim: string, what: 'calls' | 'sms'): void => {
    const day = statsDay(now);
    let t = today.get(sim);
    if (t === undefined || t.day !== day) {
      t = { day, calls: 0, sms: 0 };
      today.set(sim, t);
    }
    t[what]++;
  };

  const endCall = (line: string, c: Call): void => {
    const sim = `${line}/${c.slot}`;
    if (c.answered) {
      const dur = (now - c.answeredAt) / 1000;
      const key = `${sim}|${cycleOf(c.answeredAt)}`;
      billedByCycle.set(key, (billedByCycle.get(key) ?? 0) + Math.ceil(dur / 60) * 60);
      feed({ type: 'call-ended', line, durationSec: dur, cause: 'normal' });
    } else feed({ type: 'call-ended', line, durationSec: 0, cause: 'no-answer' });
    inCall.delete(line);
    hungUp.delete(line);
  };

  for (const line of lines) feed({ type: 'tick', line });

  let prevMinute = local(now).minute;
  while (now < end) {
    now += 60_000;
    const t = local(now);
    // Deadlines inside the minute (hangups when minutes run out) are honoured at their instant.
    let dl = nextDeadline(config, state, now - 60_000);
    while (dl !== null && dl < now) {
      const save = now;
      now = dl;
      feed({ type: 'tick' });
      for (const [line, c] of inCall) if (hungUp.has(line) && c.answered) {
        hangups++;
        endCall(line, c);
      }
      now = save;
      dl = nextDeadline(config, state, dl);
    }
    feed({ type: 'tick' });

    // Checks, before this minute's traffic.
    const resetNow = t.minute === 4 * 60 + 10 && prevMinute !== t.minute;
    if (resetNow) resetsSeen++;
    if (t.minute === 0 && t.d === 5) cycleStartsSeen++;
    if (t.minute === 480 || t.minute === 720) windowStartsSeen++;
    if (resetNow || t.minute % 60 === 0 || t.minute === 4 * 60 + 9) {
      for (const line of lines) {
        for (const slot of SLOTS) {
          const sim = `${line}/${slot}`;
          const st = statistics(config, state, now, line, slot);
          // Today's statistics: what the independent bookkeeping counted since the last 04:10.
          const mine = today.get(sim);
          const expectCalls = mine !== undefined && mine.day === statsDay(now) ? mine.calls : 0;
          const expectSms = mine !== undefined && mine.day === statsDay(now) ? mine.sms : 0;
          assert.equal(st.today.day, statsDay(now));
          assert.equal(st.today.calls, expectCalls, `${sim} today calls at ${new Date(now).toISOString()}`);
          assert.equal(st.today.sms, expectSms, `${sim} today sms at ${new Date(now).toISOString()}`);
          if (resetNow) {
            assert.equal(st.today.calls, 0);
            assert.equal(st.today.sms, 0);
          }
          // D5 monthly minutes.
          const used = billedByCycle.get(`${sim}|${cycleOf(now)}`) ?? 0;
          assert.ok(used <= 1000 * 60 + 60, `${sim} used ${used} s in ${cycleOf(now)}`);
          const liveCall = inCall.get(line);
          if (liveCall === undefined || liveCall.slot !== slot || !liveCall.answered) {
            assert.equal(remaining(config, state, now, line, slot).callMinutes, Math.max(0, 1000 - used / 60), `${sim} minutes at ${new Date(now).toISOString()}`);
          }
          // Two-window SMS day.
          const w = smsWindow(now);
          const r = remaining(config, state, now, line, slot).smsCount;
          if (w === null) assert.equal(r, 'NO LIMIT');
          else {
            const n = smsByWindow.get(`${sim}|${w.key}`) ?? 0;
            assert.ok(n <= w.amount);
            assert.equal(r, w.amount - n, `${sim} SMS left in ${w.key}`);
          }
        }
      }
    }
    for (const line of lines) {
      const l = state.lines[line]!;
      const c = inCall.get(line);
      if (c !== undefined) {
        if (!c.answered && now >= c.ringEnd) {
          if (c.cause === 'normal') {
            c.answered = true;
            c.answeredAt = now;
            feed({ type: 'answered', line });
          } else endCall(line, c);
        } else if (c.answered && (now >= c.endAt || hungUp.has(line))) {
          if (hungUp.has(line)) hangups++;
          endCall(line, c);
        }
        continue;
      }
      if (l.bound === null) continue;
      const daytime = t.minute >= 7 * 60 && t.minute < 23 * 60;
      if (daytime && rand() < 0.45 && canCall(config, state, now, line, l.bound).ok) {
        calls++;
        bumpToday(`${line}/${l.bound}`, 'calls');
        const answered = rand() < 0.8;
        feed({ type: 'call-attempt', line });
        feed({ type: 'alerting', line });
        inCall.set(line, { slot: l.bound, answered: false, answeredAt: 0, ringEnd: now + 60_000, endAt: now + 60_000 + Math.floor(1 + rand() * 4) * 60_000 + Math.floor(rand() * 50) * 1000, cause: answered ? 'normal' : 'no-answer' });
      }
      if (rand() < 0.35) {
        const slot = state.lines[line]!.bound;
        if (slot !== null && canSendSms(config, state, now, line, slot).ok) {
          sms++;
          const w = smsWindow(now);
          const sim = `${line}/${slot}`;
          if (w !== null) smsByWindow.set(`${sim}|${w.key}`, (smsByWindow.get(`${sim}|${w.key}`) ?? 0) + 1);
          bumpToday(sim, 'sms');
          feed({ type: 'sms-sent', line });
        }
      }
    }

    prevMinute = t.minute;
  }
  t0.diagnostic(`calls ${calls}, SMS ${sms}, hangups on exhausted minutes ${hangups}`);
  assert.equal(resetsSeen, 30);
  assert.equal(cycleStartsSeen, 1);
  assert.equal(windowStartsSeen, 60);
  assert.ok(calls > 5000, `calls ${calls}`);
  assert.ok(sms > 3000, `sms ${sms}`);
  assert.ok(hangups > 0, 'some calls ran out of minutes');
  // Every SIM reached its 1000 minutes in the first cycle, then started again on the 5th.
  for (const line of lines) for (const slot of SLOTS) {
    assert.ok((billedByCycle.get(`${line}/${slot}|2024-12`) ?? 0) >= 999 * 60, `${line}/${slot} first cycle`);
    assert.ok((billedByCycle.get(`${line}/${slot}|2025-1`) ?? 0) > 0, `${line}/${slot} second cycle`);
  }
});
