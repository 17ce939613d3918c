import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
// ESM: take the mock binding through SerialPortMock (importing @serialport/binding-mock directly gives a
// second module instance whose ports SerialPortMock cannot see).
import { SerialPortMock } from 'serialport';
import { SerialCommandSimSwitch, type SerialCommandSimSwitchOptions } from '../../modem-drivers/sim-switch/serial-command.js';
import { SerialBoardRegistry, type OpenPort, type SerialPortLike } from '../../modem-drivers/sim-switch/serial-board.js';
import { SimSwitchError, type SlotId } from '../../modem-drivers/sim-switch/types.js';

/** An in-memory multiplexer board: records what it is sent and answers through `respond`. */
class FakeBoard extends Duplex {
  readonly written: string[] = [];
  readonly events: string[] = [];
  constructor(
    private readonly respond: (cmd: string) => string | null,
    private readonly delayMs = 0,
  ) {
    super();
  }
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const cmd = chunk.toString('latin1');
    this.written.push(cmd);
    this.events.push(`write ${cmd.trim()}`);
    cb();
    const reply = this.respond(cmd);
    if (reply !== null) {
      setTimeout(() => {
        this.events.push(`reply ${reply.trim()}`);
        this.push(Buffer.from(reply, 'latin1'));
      }, this.delayMs);
    }
  }
}

function opener(board: FakeBoard | (() => FakeBoard)): { openPort: OpenPort; opens: string[] } {
  const opens: string[] = [];
  return {
    opens,
    openPort: async (path, baud) => {
      opens.push(`${path}@${baud}`);
      return typeof board === 'function' ? board() : board;
    },
  };
}

function options(boards: SerialBoardRegistry, over: Partial<SerialCommandSimSwitchOptions> = {}): SerialCommandSimSwitchOptions {
  return {
    port: '/dev/ttyMUX0',
    baudRate: 9600,
    template: 'L{line} S{slotNumber}\\r\\n',
    expect: '^OK {line} {slotNumber}\\r\\n',
    timeoutMs: 200,
    lineId: '1',
    boards,
    ...over,
  };
}

async function rejectsWith(p: Promise<unknown>, code: string, ...parts: string[]): Promise<void> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof SimSwitchError, `expected SimSwitchError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const part of parts) assert.ok(err.message.includes(part), `"${err.message}" should contain "${part}"`);
    return;
  }
  assert.fail('expected a rejection');
}

/** Board that answers `OK <line> <slotNumber>` to `L<line> S<n>`. */
const okBoard = (delayMs = 0) =>
  new FakeBoard((cmd) => {
    const m = /^L(\S+) S(\d)\r\n$/.exec(cmd);
    return m ? `OK ${m[1]} ${m[2]}\r\n` : 'ERR\r\n';
  }, delayMs);

test('selects every slot with the rendered template and waits for the matching reply', async () => {
  const board = new FakeBoard(() => 'OK\r\n', 5);
  const { openPort, opens } = opener(board);
  const sw = new SerialCommandSimSwitch(
    options(new SerialBoardRegistry({ openPort }), { template: '{line}:{slot}:{slotIndex}:{slotNumber}\\r\\n', expect: '^OK\\r\\n' }),
  );
  assert.equal(opens.length, 0, 'no I/O before the first select');
  assert.equal(await sw.current(), null, 'the board cannot tell before the first select');
  for (const slot of ['A', 'B', 'C', 'D'] as const) {
    await sw.select(slot);
    assert.equal(await sw.current(), slot);
  }
  assert.deepEqual(board.written, ['1:A:0:1\r\n', '1:B:1:2\r\n', '1:C:2:3\r\n', '1:D:3:4\r\n']);
  assert.deepEqual(opens, ['/dev/ttyMUX0@9600']);
  await sw.close();
});

test('reply pattern with placeholders; invalid slot rejects without writing', async () => {
  const board = okBoard();
  const sw = new SerialCommandSimSwitch(options(new SerialBoardRegistry(opener(board)), { lineId: '7' }));
  await sw.select('C');
  assert.deepEqual(board.written, ['L7 S3\r\n']);
  await rejectsWith(sw.select('E' as SlotId), 'invalid-slot', '"E"', '/dev/ttyMUX0');
  assert.equal(board.written.length, 1);
  assert.equal(await sw.current(), 'C');
  await sw.close();
  await rejectsWith(sw.select('A'), 'closed');
});

test('without expect: resolves once written and drained, even if the board never answers', async () => {
  const board = new FakeBoard(() => null);
  const sw = new SerialCommandSimSwitch(options(new SerialBoardRegistry(opener(board)), { expect: undefined, template: 'SIM{slotNumber}\\n' }));
  await sw.select('B');
  assert.deepEqual(board.written, ['SIM2\n']);
  assert.equal(await sw.current(), 'B');
  await sw.close();
});

test('board never answers: timeout error naming port, pattern and "nothing received"', async () => {
  const board = new FakeBoard(() => null);
  const sw = new SerialCommandSimSwitch(options(new SerialBoardRegistry(opener(board)), { timeoutMs: 80 }));
  const t0 = Date.now();
  await rejectsWith(sw.select('A'), 'timeout', 'line 1', '/dev/ttyMUX0', 'within 80 ms', 'nothing received', '/^OK 1 1\\r\\n/');
  assert.ok(Date.now() - t0 >= 70);
  assert.equal(await sw.current(), null);
  await sw.close();
});

test('board answers garbage: timeout error quotes what it said', async () => {
  const board = new FakeBoard(() => '\x00garbage\r\n');
  const sw = new SerialCommandSimSwitch(options(new SerialBoardRegistry(opener(board)), { timeoutMs: 80 }));
  await rejectsWith(sw.select('D'), 'timeout', 'received "\\x00garbage\\r\\n"');
  await sw.close();
});

test('fail pattern: a refusal rejects at once', async () => {
  const board = new FakeBoard(() => 'ERR 3\r\n');
  const sw = new SerialCommandSimSwitch(options(new SerialBoardRegistry(opener(board)), { fail: '^ERR', timeoutMs: 5000 }));
  const t0 = Date.now();
  await rejectsWith(sw.select('B'), 'io', 'refused', 'ERR 3');
  assert.ok(Date.now() - t0 < 1000);
  await sw.close();
});

test('reply split across chunks still matches', async () => {
  const board = new FakeBoard(() => null);
  const sw = new SerialCommandSimSwitch(options(new SerialBoardRegistry(opener(board)), { timeoutMs: 1000 }));
  const p = sw.select('B');
  await new Promise((r) => setTimeout(r, 10));
  board.push('O');
  board.push('K 1 ');
  await new Promise((r) => setTimeout(r, 10));
  board.push('2\r\n');
  await p;
  assert.equal(await sw.current(), 'B');
  await sw.close();
});

test('two lines share one opened port; their commands are serialised; last release closes it', async () => {
  const board = okBoard(30);
  const { openPort, opens } = opener(board);
  const boards = new SerialBoardRegistry({ openPort });
  const l1 = new SerialCommandSimSwitch(options(boards, { lineId: '1' }));
  const l2 = new SerialCommandSimSwitch(options(boards, { lineId: '2' }));
  assert.equal(boards.refCount('/dev/ttyMUX0'), 2);
  await Promise.all([l1.select('B'), l2.select('D'), l1.select('C')]);
  assert.deepEqual(opens, ['/dev/ttyMUX0@9600'], 'opened once');
  // Each command waits for the previous reply before it is written.
  assert.deepEqual(board.events, ['write L1 S2', 'reply OK 1 2', 'write L2 S4', 'reply OK 2 4', 'write L1 S3', 'reply OK 1 3']);
  assert.equal(await l1.current(), 'C');
  assert.equal(await l2.current(), 'D');

  let closed = false;
  board.on('close', () => (closed = true));
  await l1.close();
  assert.equal(boards.refCount('/dev/ttyMUX0'), 1);
  assert.equal(closed, false, 'still used by line 2');
  await l2.select('A');
  await l2.close();
  await l2.close(); // idempotent
  assert.equal(boards.refCount('/dev/ttyMUX0'), 0);
  assert.equal(closed, true, 'the last release closes the port');

  // A new user re-opens it.
  const board2 = okBoard();
  const again = new SerialCommandSimSwitch(options(new SerialBoardRegistry(opener(board2)), { lineId: '3' }));
  await again.select('A');
  await again.close();
});

test('the same port at another baud rate is a configuration error', () => {
  const boards = new SerialBoardRegistry(opener(okBoard()));
  const l1 = new SerialCommandSimSwitch(options(boards));
  assert.throws(() => new SerialCommandSimSwitch(options(boards, { lineId: '2', baudRate: 115200 })), (err: unknown) => {
    return err instanceof SimSwitchError && err.code === 'config' && /9600/.test(err.message) && /115200/.test(err.message);
  });
  void l1.close();
});

test('bad template or pattern is rejected at construction', () => {
  const boards = new SerialBoardRegistry(opener(okBoard()));
  assert.throws(() => new SerialCommandSimSwitch(options(boards, { template: 'S{slotNum}' })), /unknown placeholder/);
  assert.throws(() => new SerialCommandSimSwitch(options(boards, { expect: '(' })), /invalid reply pattern/);
  assert.throws(() => new SerialCommandSimSwitch(options(boards, { timeoutMs: 0 })), /timeoutMs/);
  assert.equal(boards.refCount('/dev/ttyMUX0'), 0, 'failed construction takes no reference');
});

test('port cannot be opened: io error naming the port; the next select tries again', async () => {
  let attempts = 0;
  const board = okBoard();
  const boards = new SerialBoardRegistry({
    openPort: async (path) => {
      attempts++;
      if (attempts === 1) throw new Error(`Error: No such file or directory, cannot open ${path}`);
      return board;
    },
  });
  const sw = new SerialCommandSimSwitch(options(boards));
  await rejectsWith(sw.select('A'), 'io', 'cannot open serial port /dev/ttyMUX0 at 9600 baud', 'No such file');
  await sw.select('A');
  assert.equal(attempts, 2);
  await sw.close();
});

test('port closing mid-command (adapter unplugged) fails that select; the next one re-opens', async () => {
  const boards: FakeBoard[] = [];
  const make = () => {
    const b = boards.length === 0 ? new FakeBoard(() => null) : okBoard();
    boards.push(b);
    return b;
  };
  const sw = new SerialCommandSimSwitch(options(new SerialBoardRegistry(opener(make)), { timeoutMs: 2000 }));
  const p = sw.select('B');
  await new Promise((r) => setTimeout(r, 20));
  boards[0]!.destroy();
  await rejectsWith(p, 'io', 'port closed');
  await sw.select('B');
  assert.equal(boards.length, 2);
  await sw.close();
});

test('write errors are reported', async () => {
  const broken: SerialPortLike = {
    write: (_d, cb) => {
      setImmediate(() => cb?.(new Error('EIO')));
      return false;
    },
    on: () => broken,
  };
  const sw = new SerialCommandSimSwitch(options(new SerialBoardRegistry({ openPort: async () => broken })));
  await rejectsWith(sw.select('A'), 'io', 'cannot write to /dev/ttyMUX0', 'EIO');
  await sw.close();
});

test('binary frames via \\xHH escapes', async () => {
  const board = new FakeBoard(() => null);
  const sw = new SerialCommandSimSwitch(options(new SerialBoardRegistry(opener(board)), { template: '\\xA0{slotIndex}\\x01', expect: undefined }));
  await sw.select('D');
  assert.deepEqual([...Buffer.from(board.written[0]!, 'latin1')], [0xa0, 0x33, 0x01]);
  await sw.close();
});

test('end to end over serialport\'s mock binding', async () => {
  SerialPortMock.binding.createPort('/dev/ttyMOCKMUX', { echo: false, record: true });
  let mock: SerialPortMock | undefined;
  const boards = new SerialBoardRegistry({
    openPort: async (path, baudRate) => {
      const port = new SerialPortMock({ path, baudRate, autoOpen: false });
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
      mock = port;
      return port;
    },
  });
  const sw = new SerialCommandSimSwitch(options(boards, { port: '/dev/ttyMOCKMUX', template: 'AT+SIM={slotNumber}\\r', expect: '\\r\\nOK\\r\\n', timeoutMs: 1000 }));
  const p = sw.select('C');
  // Answer once the command reached the (recording) mock port.
  for (let i = 0; i < 100 && !mock?.port?.recording.toString().includes('\r'); i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(mock!.port!.recording.toString(), 'AT+SIM=3\r');
  mock!.port!.emitData('\r\nOK\r\n');
  await p;
  assert.equal(await sw.current(), 'C');
  await sw.close();
  assert.equal(mock!.isOpen, false, 'closed on the last release');
  SerialPortMock.binding.reset();
});
