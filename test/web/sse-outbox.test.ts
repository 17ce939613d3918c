import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { SseOutbox, type FrameSink } from '../../src/web/sse-outbox.js';

/** A socket that accepts `room` bytes, then reports back-pressure until drained by the test. */
class StalledSink extends EventEmitter implements FrameSink {
  written: string[] = [];
  constructor(public room: number) {
    super();
  }
  write(chunk: string): boolean {
    this.written.push(chunk);
    this.room -= Buffer.byteLength(chunk);
    return this.room > 0;
  }
}

test('while the socket is backed up frames queue up to the limit; one more drops the client', () => {
  const sink = new StalledSink(10);
  let dropped = 0;
  const box = new SseOutbox(sink, { maxQueuedBytes: 100, onOverflow: () => dropped++ });
  assert.equal(box.send('x'.repeat(20)), true); // written, socket now full
  for (let i = 0; i < 5; i++) assert.equal(box.send('y'.repeat(20)), true);
  assert.equal(box.pendingBytes, 100);
  assert.equal(sink.written.length, 1, 'nothing more written while backed up');
  assert.equal(box.send('z'), false);
  assert.equal(dropped, 1);
  assert.equal(box.isClosed, true);
  assert.equal(box.pendingBytes, 0, 'the queue is freed');
  assert.equal(sink.listenerCount('drain'), 0, 'no drain listener left');
  assert.equal(box.send('later'), false);
  assert.equal(dropped, 1, 'dropped once');
});

test('on drain the queue is written in order', () => {
  const sink = new StalledSink(5);
  const box = new SseOutbox(sink, { maxQueuedBytes: 1000, onOverflow: () => assert.fail('not dropped') });
  box.send('first!');
  box.send('a');
  box.send('b');
  sink.room = 1000;
  sink.emit('drain');
  assert.deepEqual(sink.written, ['first!', 'a', 'b']);
  assert.equal(box.pendingBytes, 0);
  box.send('c');
  assert.deepEqual(sink.written.at(-1), 'c', 'written straight away again');
});
