/**
 * Must NOT compile (test/types/event-map.test.ts checks it): events emitted or heard against the
 * maps of src/events.ts with a wrong payload or name. Each wrong line carries `expect: TS<code>`.
 * Excluded from the build (tsconfig.json "exclude").
 */
import { EventEmitter } from 'node:events';
import type { Call } from '../../src/call/call.js';
import type { CallEvents, LineEvents, SmsEvents } from '../../src/events.js';
import type { Line } from '../../src/line/line.js';
import type { CallService } from '../../src/call/call-service.js';

const line = new EventEmitter<LineEvents>();
const calls = new EventEmitter<CallEvents>();
declare const call: Call;
declare const realLine: Line;
declare const realCalls: CallService;
const sms = new EventEmitter<SmsEvents>();

line.emit('health', 42, 'ok'); // expect: TS2345
calls.emit('call-ended', 'x'); // expect: TS2345
line.emit('helth', 'ok', 'ok'); // expect: TS2345
calls.on('call-changed', (c: Call, from: number) => void [c, from]); // expect: TS2345
calls.emit('call-started', call, 'extra'); // expect: TS2554
// The daemon's own emitters carry the same maps.
realLine.emit('sms', { to: '+4912345', parts: 1, ok: 'yes', error: null }); // expect: TS2322
realCalls.emit('call-ended', { id: 'not a call' }); // expect: TS2345
sms.emit('sms-received', { id: 'x', line: 'one', from: '+1' }); // expect: TS2322
