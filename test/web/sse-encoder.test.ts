import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSseComment, encodeSseEvent, encodeSseJson, encodeSseRetry } from '../../src/web/sse-encoder.js';

test('an event: id, event and data fields, ended by a blank line', () => {
  assert.equal(encodeSseEvent({ event: 'line', data: '{"id":1}', id: '7' }), 'id: 7\nevent: line\ndata: {"id":1}\n\n');
  assert.equal(encodeSseEvent({ data: 'x' }), 'data: x\n\n');
});

test('data is split on every line break (LF, CR, CRLF) into data: lines', () => {
  assert.equal(encodeSseEvent({ data: 'a\nb\r\nc\rd' }), 'data: a\ndata: b\ndata: c\ndata: d\n\n');
  // a trailing line break gives an empty last data line, which the client keeps as a trailing LF
  assert.equal(encodeSseEvent({ data: 'a\n' }), 'data: a\ndata: \n\n');
  assert.equal(encodeSseEvent({ data: '' }), 'data: \n\n');
});

test('a leading space or colon in data survives (one space after the colon is the separator)', () => {
  assert.equal(encodeSseEvent({ data: ' x' }), 'data:  x\n\n');
  assert.equal(encodeSseEvent({ data: ':x' }), 'data: :x\n\n');
});

test('event, id with a line break and id with NUL are refused, not cut', () => {
  assert.throws(() => encodeSseEvent({ event: 'a\nb', data: '' }), RangeError);
  assert.throws(() => encodeSseEvent({ id: 'a\rb', data: '' }), RangeError);
  assert.throws(() => encodeSseEvent({ id: 'a\u0000b', data: '' }), RangeError);
});

test('retry: digits only; with an event it comes first', () => {
  assert.equal(encodeSseRetry(2000), 'retry: 2000\n\n');
  assert.equal(encodeSseEvent({ retry: 1500, event: 'hello', data: '{}' }), 'retry: 1500\nevent: hello\ndata: {}\n\n');
  assert.throws(() => encodeSseRetry(-1), RangeError);
  assert.throws(() => encodeSseRetry(1.5), RangeError);
});

test('comments: each line its own ": " line', () => {
  assert.equal(encodeSseComment('ping'), ': ping\n\n');
  assert.equal(encodeSseComment('a\nb'), ': a\n: b\n\n');
});

test('JSON payloads stay on one data line, line breaks inside strings escaped by JSON', () => {
  const frame = encodeSseJson('sms', { text: 'two\nlines\r\n', id: 'm1' });
  assert.equal(frame, 'event: sms\ndata: {"text":"two\\nlines\\r\\n","id":"m1"}\n\n');
  assert.equal(frame.split('\n').filter((l) => l.startsWith('data:')).length, 1);
});
