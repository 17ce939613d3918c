/**
 * The control of wrong-event-payload.fail.ts: the same emitters with right payloads compile (this
 * file is part of the build, and test/types/event-map.test.ts also compiles it on its own).
 */
import { EventEmitter } from 'node:events';
import type { Call } from '../../src/call/call.js';
import type { CallState } from '../../src/call/call-state.js';
import type { CallEvents, LineEvents } from '../../src/events.js';

export function emitRightPayloads(call: Call, from: CallState): void {
  const line = new EventEmitter<LineEvents>();
  const calls = new EventEmitter<CallEvents>();
  line.emit('health', 'searching', 'ok');
  calls.emit('call-ended', call);
  line.emit('lifecycle', 'registered');
  calls.on('call-changed', (c: Call, was: CallState) => void [c, was]);
  calls.emit('call-changed', call, from);
  calls.emit('call-started', call);
}
