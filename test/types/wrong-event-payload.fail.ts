/**
 * Must NOT compile (test/types/event-map.test.ts checks it): events emitted or heard against the
 * maps of src/events.ts with a wrong payload or name. Each wrong line carries `expect: TS<code>`.
 * Excluded from the build (tsconfig.json "exclude").
 */
import { EventEmitter } from 'node:events';
import type { Call } from '../../src/call/call.js';
import type { CallEvents, LineEvents } from '../../src/events.js';

const line = new EventEmitter<LineEvents>();
const calls = new EventEmitter<CallEvents>();
declare const call: Call;

line.emit('health', 42, 'ok'); // expect: TS2345
calls.emit('call-ended', 'x'); // expect: TS2345
line.emit('helth', 'ok', 'ok'); // expect: TS2345
calls.on('call-changed', (c: Call, from: number) => void [c, from]); // expect: TS2345
calls.emit('call-started', call, 'extra'); // expect: TS2554
