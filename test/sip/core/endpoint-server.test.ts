/** The endpoint as a UAS on real UDP/TCP sockets: OPTIONS, 405/483/420, INVITE → 180/200/ACK/BYE, CANCEL, retransmissions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseSipMessage } from '../../../src/sip/message/index.js';
import type { SipIncomingRequest } from '../../../src/sip/core/index.js';
import { tcpPeer, waitUntil } from '../../helpers/sip-peer-sockets.js';
import { requestText, sipPeer, startEndpoint } from './core-fixtures.js';
import { FakeScheduler } from '../transaction/transaction-fixtures.js';

test('OPTIONS over UDP gets 200 with Allow and Accept by default (§11.2)', async () => {
  const core = await startEndpoint();
  const peer = await sipPeer();
  try {
    await peer.send(requestText({ method: 'OPTIONS', peer, branch: 'z9hG4bKo1', callId: 'o1' }), core.udpPort);
    const ok = await peer.response(200, 'OPTIONS');
    assert.match(ok.headers.get('allow') ?? '', /OPTIONS/);
    assert.match(ok.headers.get('allow') ?? '', /CANCEL/);
    assert.equal(ok.headers.get('accept'), 'application/sdp, text/plain');
    assert.ok(ok.to?.tag !== undefined, 'a final response carries a To tag (§8.2.6.2)');
  } finally {
    await peer.close();
    await core.close();
  }
});

test('OPTIONS over TCP gets 200 on the same connection', async () => {
  const core = await startEndpoint();
  const peer = await tcpPeer(core.tcpPort);
  try {
    const local = { host: '127.0.0.1', port: peer.socket.localPort! };
    peer.write(requestText({ method: 'OPTIONS', peer: local, transport: 'TCP', branch: 'z9hG4bKt1', callId: 't1' }));
    await waitUntil(() => peer.text().includes('\r\n\r\n'), 3000, 'the 200 over TCP');
    const parsed = parseSipMessage(Buffer.from(peer.text(), 'utf8'));
    assert.ok(parsed.ok && parsed.message.kind === 'response');
    assert.equal(parsed.message.statusCode, 200);
    assert.equal(parsed.message.cseq?.method, 'OPTIONS');
  } finally {
    peer.close();
    await core.close();
  }
});

test('a method without a handler gets 405 with Allow (§8.2.1); Max-Forwards 0 gets 483; an unknown Require gets 420', async () => {
  const core = await startEndpoint();
  core.endpoint.handle('MESSAGE', { handleRequest: (r) => void r.respond(200, 'OK') });
  const peer = await sipPeer();
  try {
    await peer.send(requestText({ method: 'SUBSCRIBE', peer, branch: 'z9hG4bKs1', callId: 's1', extra: ['Event: presence'] }), core.udpPort);
    const refused = await peer.response(405, 'SUBSCRIBE');
    assert.deepEqual((refused.headers.get('allow') ?? '').split(', ').sort(), ['ACK', 'BYE', 'CANCEL', 'MESSAGE', 'OPTIONS']);

    const looped = requestText({ method: 'MESSAGE', peer, branch: 'z9hG4bKm0', callId: 'm0' }).replace('Max-Forwards: 70', 'Max-Forwards: 0');
    await peer.send(looped, core.udpPort);
    await peer.response(483, 'MESSAGE');

    await peer.send(requestText({ method: 'MESSAGE', peer, branch: 'z9hG4bKm1', callId: 'm1', extra: ['Require: 100rel, foo'] }), core.udpPort);
    const bad = await peer.response(420, 'MESSAGE');
    assert.equal(bad.headers.get('unsupported'), '100rel, foo');

    await peer.send(requestText({ method: 'MESSAGE', peer, branch: 'z9hG4bKm2', callId: 'm2', body: 'hi' }), core.udpPort);
    await peer.response(200, 'MESSAGE');
    // OPTIONS with Max-Forwards 0 is still answered (§11.2 lets it probe hop by hop).
    await peer.send(requestText({ method: 'OPTIONS', peer, branch: 'z9hG4bKo0', callId: 'o0' }).replace('Max-Forwards: 70', 'Max-Forwards: 0'), core.udpPort);
    await peer.response(200, 'OPTIONS');
  } finally {
    await peer.close();
    await core.close();
  }
});

/** A handler that answers 180 at once and 200 after `answerAfterMs` (unless cancelled). */
function ringingHandler(answerAfterMs: number) {
  const seen: SipIncomingRequest[] = [];
  const cancelled: SipIncomingRequest[] = [];
  return {
    seen,
    cancelled,
    handleRequest(incoming: SipIncomingRequest) {
      seen.push(incoming);
      incoming.respond(180, 'Ringing');
      setTimeout(() => {
        if (!incoming.cancelled) incoming.respond(200, 'OK', { contentType: 'application/sdp', body: 'v=0\r\n' });
      }, answerAfterMs).unref();
    },
    requestCancelled(incoming: SipIncomingRequest) {
      cancelled.push(incoming);
    },
  };
}

test('INVITE: 180 then 200; the peer ACK reaches the dialog; BYE from the peer gets 200 and ends it', async () => {
  const byes: string[] = [];
  const core = await startEndpoint({ onBye: (dialog) => byes.push(dialog.state) });
  const handler = ringingHandler(50);
  core.endpoint.handle('INVITE', handler);
  const peer = await sipPeer();
  try {
    const invite = requestText({ method: 'INVITE', peer, branch: 'z9hG4bKi1', callId: 'i1', extra: ['Content-Type: application/sdp'], body: 'v=0\r\n' });
    await peer.send(invite, core.udpPort);
    const ringing = await peer.response(180, 'INVITE');
    const ok = await peer.response(200, 'INVITE');
    const toTag = ok.to?.tag;
    assert.ok(toTag !== undefined && toTag === ringing.to?.tag, 'one To tag for every response (§12.1.1)');
    assert.equal(ok.headers.get('contact'), `<sip:gw@127.0.0.1:${core.udpPort}>`);
    const uas = handler.seen[0]!.uas!;
    assert.equal(uas.state, 'accepted');
    // §13.2.2.4: the ACK for a 2xx is a new transaction (new branch) and goes to the dialog.
    await peer.send(requestText({ method: 'ACK', peer, branch: 'z9hG4bKa1', callId: 'i1', toTag }), core.udpPort);
    await waitUntil(() => uas.state === 'confirmed', 3000, 'the ACK to reach the UAS core');
    assert.equal(uas.dialog?.state, 'confirmed');
    await peer.send(requestText({ method: 'BYE', peer, branch: 'z9hG4bKb1', callId: 'i1', toTag, cseq: 2 }), core.udpPort);
    await peer.response(200, 'BYE');
    assert.equal(uas.dialog?.state, 'terminated');
    assert.deepEqual(byes, ['terminated']);
    assert.equal(handler.seen.length, 1);
    assert.equal(peer.responses(200).filter((r) => r.cseq?.method === 'INVITE').length, 1, 'no 2xx retransmission after the ACK');
  } finally {
    await peer.close();
    await core.close();
  }
});

test('a retransmitted INVITE does not reach the handler twice; it gets the last provisional again (§17.2.1)', async () => {
  const core = await startEndpoint();
  const handler = ringingHandler(600);
  core.endpoint.handle('INVITE', handler);
  const peer = await sipPeer();
  try {
    const invite = requestText({ method: 'INVITE', peer, branch: 'z9hG4bKr1', callId: 'r1' });
    await peer.send(invite, core.udpPort);
    await peer.response(180, 'INVITE');
    await peer.send(invite, core.udpPort);
    await waitUntil(() => peer.responses(180).length === 2, 3000, 'the 180 resent');
    assert.equal(handler.seen.length, 1);
  } finally {
    await peer.close();
    await core.close();
  }
});

test('CANCEL before the answer: 200 for the CANCEL, 487 for the INVITE, and the ACK for the 487 is absorbed', async () => {
  const core = await startEndpoint();
  const handler = ringingHandler(10_000);
  core.endpoint.handle('INVITE', handler);
  const peer = await sipPeer();
  try {
    const base = { peer, branch: 'z9hG4bKc1', callId: 'c1' };
    await peer.send(requestText({ method: 'INVITE', ...base }), core.udpPort);
    await peer.response(180, 'INVITE');
    await peer.send(requestText({ method: 'CANCEL', ...base }), core.udpPort);
    const cancelOk = await peer.response(200, 'CANCEL');
    const terminated = await peer.response(487, 'INVITE');
    assert.equal(cancelOk.to?.tag, terminated.to?.tag, 'the CANCEL answer carries the INVITE dialog To tag (§9.2)');
    assert.equal(handler.cancelled.length, 1);
    assert.equal(handler.seen[0]!.cancelled, true);
    assert.deepEqual(handler.seen[0]!.respond(200, 'OK'), { ok: false, reason: 'already-final' });
    // §17.1.1.3: the ACK for a non-2xx uses the INVITE's branch: the server transaction absorbs it.
    await peer.send(requestText({ method: 'ACK', ...base, toTag: terminated.to!.tag }), core.udpPort);
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(peer.responses(487).length, 1, 'no 487 retransmission (Timer G stopped) once the ACK arrived');
    // A CANCEL for nothing gets 481.
    await peer.send(requestText({ method: 'CANCEL', peer, branch: 'z9hG4bKnone', callId: 'none' }), core.udpPort);
    await peer.response(481, 'CANCEL');
  } finally {
    await peer.close();
    await core.close();
  }
});

test('an in-dialog request for an unknown dialog gets 481 (§12.2.2)', async () => {
  const core = await startEndpoint();
  const peer = await sipPeer();
  try {
    await peer.send(requestText({ method: 'BYE', peer, branch: 'z9hG4bKu1', callId: 'unknown', toTag: 'x' }), core.udpPort);
    await peer.response(481, 'BYE');
  } finally {
    await peer.close();
    await core.close();
  }
});

test('a handler that throws leaves its request answered 500; an in-dialog MESSAGE reaches its handler with the dialog', async () => {
  const core = await startEndpoint();
  const inDialog: Array<string | undefined> = [];
  core.endpoint.handle('INFO', {
    handleRequest() {
      throw new Error('handler bug');
    },
  });
  core.endpoint.handle('MESSAGE', {
    handleRequest(incoming) {
      inDialog.push(incoming.dialog?.state);
      incoming.respond(200, 'OK');
    },
  });
  const handler = ringingHandler(0);
  core.endpoint.handle('INVITE', handler);
  const peer = await sipPeer();
  try {
    await peer.send(requestText({ method: 'INFO', peer, branch: 'z9hG4bKinfo', callId: 'info' }), core.udpPort);
    await peer.response(500, 'INFO');
    await peer.send(requestText({ method: 'INVITE', peer, branch: 'z9hG4bKd1', callId: 'd1' }), core.udpPort);
    const ok = await peer.response(200, 'INVITE');
    await peer.send(requestText({ method: 'ACK', peer, branch: 'z9hG4bKd2', callId: 'd1', toTag: ok.to!.tag }), core.udpPort);
    await peer.send(requestText({ method: 'MESSAGE', peer, branch: 'z9hG4bKd3', callId: 'd1', toTag: ok.to!.tag, cseq: 2, body: 'x' }), core.udpPort);
    await peer.response(200, 'MESSAGE');
    assert.deepEqual(inDialog, ['confirmed']);
  } finally {
    await peer.close();
    await core.close();
  }
});

test('a CANCEL from another source port (a new NAT binding) still finds its INVITE (§9.2 matches on the branch)', async () => {
  const core = await startEndpoint();
  const handler = ringingHandler(10_000);
  core.endpoint.handle('INVITE', handler);
  const first = await sipPeer();
  const second = await sipPeer();
  try {
    const base = { peer: first, branch: 'z9hG4bKn1', callId: 'n1' };
    await first.send(requestText({ method: 'INVITE', ...base }), core.udpPort);
    await first.response(180, 'INVITE');
    // Same Via text, sent from another socket: the stamped rport differs from the INVITE's.
    await second.send(requestText({ method: 'CANCEL', ...base }), core.udpPort);
    await second.response(200, 'CANCEL');
    await first.response(487, 'INVITE');
    assert.equal(handler.cancelled.length, 1);
  } finally {
    await first.close();
    await second.close();
    await core.close();
  }
});

test('a handler may answer a new request statelessly (§8.2.7): no server transaction is kept, a retransmission is answered again', async () => {
  const core = await startEndpoint();
  const seen: string[] = [];
  core.endpoint.handle('MESSAGE', {
    answerStatelessly: (request) => (request.headers.get('authorization') === undefined ? { statusCode: 401, reasonPhrase: 'Unauthorized', headers: [['WWW-Authenticate', 'Digest realm="x", nonce="n"']] } : undefined),
    handleRequest: (r) => {
      seen.push(r.request.callId ?? '');
      r.respond(200, 'OK');
    },
  });
  const peer = await sipPeer();
  try {
    const first = requestText({ method: 'MESSAGE', peer, branch: 'z9hG4bKsl1', callId: 'sl1', body: 'hi' });
    await peer.send(first, core.udpPort);
    const challenge = await peer.response(401, 'MESSAGE');
    assert.equal(challenge.headers.get('www-authenticate'), 'Digest realm="x", nonce="n"');
    assert.ok(challenge.to?.tag !== undefined, 'a stateless final response still carries a To tag (§8.2.7)');
    assert.equal(core.endpoint.transactionCounts.server, 0, 'nothing kept for the challenge');
    await peer.send(first, core.udpPort);
    await peer.response(401, 'MESSAGE');
    assert.equal(core.endpoint.transactionCounts.server, 0);

    // A request the hook passes on goes through a transaction to handleRequest; one the §8.2 checks
    // refuse never reaches the hook and keeps its usual answer.
    await peer.send(requestText({ method: 'MESSAGE', peer, branch: 'z9hG4bKsl2', callId: 'sl2', body: 'hi', extra: ['Authorization: Digest x'] }), core.udpPort);
    await peer.response(200, 'MESSAGE');
    assert.deepEqual(seen, ['sl2']);
    assert.equal(core.endpoint.transactionCounts.server, 1, 'the 200 is kept for Timer J');
    await peer.send(requestText({ method: 'MESSAGE', peer, branch: 'z9hG4bKsl3', callId: 'sl3', extra: ['Require: foo'] }), core.udpPort);
    await peer.response(420, 'MESSAGE');
  } finally {
    await peer.close();
    await core.close();
  }
});

test('a completed non-INVITE server transaction does not keep the parsed request alive for Timer J', async () => {
  const core = await startEndpoint();
  let request: WeakRef<object> | undefined;
  core.endpoint.handle('MESSAGE', {
    handleRequest: (r) => {
      request = new WeakRef(r.request);
      r.respond(200, 'OK');
    },
  });
  const peer = await sipPeer();
  try {
    await peer.send(requestText({ method: 'MESSAGE', peer, branch: 'z9hG4bKkeep1', callId: 'keep1', body: 'hi' }), core.udpPort);
    const ok = await peer.response(200, 'MESSAGE');
    assert.equal(core.endpoint.transactionCounts.server, 1, 'Timer J still runs');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // Several rounds: the request may sit behind a pending microtask or timer callback.
    for (let i = 0; i < 5 && request?.deref() !== undefined; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    assert.equal(ok.statusCode, 200);
    assert.equal(request?.deref(), undefined, 'the parsed request is collectable while the transaction waits');
  } finally {
    await peer.close();
    await core.close();
  }
});

test('once its 2xx is acknowledged, an INVITE keeps nothing of the call for Timer L: the parsed INVITE is collectable, a retransmitted INVITE is absorbed, a late CANCEL gets 200', async () => {
  const core = await startEndpoint();
  let request: WeakRef<object> | undefined;
  let uas: WeakRef<object> | undefined;
  let calls = 0;
  core.endpoint.handle('INVITE', {
    handleRequest: (r) => {
      calls++;
      request = new WeakRef(r.request);
      uas = new WeakRef(r.uas!);
      r.respond(200, 'OK', { contentType: 'application/sdp', body: 'v=0\r\n' });
    },
  });
  const peer = await sipPeer();
  try {
    const invite = requestText({ method: 'INVITE', peer, branch: 'z9hG4bKl1', callId: 'l1', extra: ['Content-Type: application/sdp'], body: 'v=0\r\n' });
    await peer.send(invite, core.udpPort);
    const ok = await peer.response(200, 'INVITE');
    const toTag = ok.to?.tag;
    await peer.send(requestText({ method: 'ACK', peer, branch: 'z9hG4bKl1a', callId: 'l1', toTag }), core.udpPort);
    await peer.send(requestText({ method: 'BYE', peer, branch: 'z9hG4bKl1b', callId: 'l1', toTag, cseq: 2 }), core.udpPort);
    await peer.response(200, 'BYE');
    assert.ok(core.endpoint.transactionCounts.server >= 1, 'Timer L still runs for the INVITE');

    // RFC 6026 §8.7: a retransmitted INVITE in Accepted is absorbed: no response, no second call.
    await peer.send(invite, core.udpPort);
    // §9.2: a CANCEL that matches the transaction is answered 200 (with the 2xx's To tag) and does nothing.
    await peer.send(requestText({ method: 'CANCEL', peer, branch: 'z9hG4bKl1', callId: 'l1' }), core.udpPort);
    const cancelOk = await peer.response(200, 'CANCEL');
    assert.equal(cancelOk.to?.tag, toTag);
    assert.equal(calls, 1);
    assert.equal(peer.responses(200).filter((r) => r.cseq?.method === 'INVITE').length, 1, 'the retransmitted INVITE got nothing');

    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    for (let i = 0; i < 5 && (request?.deref() !== undefined || uas?.deref() !== undefined); i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    assert.equal(request?.deref(), undefined, 'the parsed INVITE is collectable while its transaction waits out Timer L');
    assert.equal(uas?.deref(), undefined, 'so is its UAS core (and with it the dialog and the 2xx)');
  } finally {
    await peer.close();
    await core.close();
  }
});

test('an acknowledged INVITE waits out Timer L in the compact store, not as a transaction: retransmissions absorbed for 64·T1 after the ACK, then a new call', async () => {
  const clock = new FakeScheduler();
  const core = await startEndpoint({ scheduler: clock });
  let calls = 0;
  core.endpoint.handle('INVITE', {
    handleRequest: (r) => {
      calls++;
      r.respond(200, 'OK', { contentType: 'application/sdp', body: 'v=0\r\n' });
    },
  });
  const peer = await sipPeer();
  const table = (core.endpoint as unknown as { table: { serverCount: number } }).table;
  try {
    const invite = requestText({ method: 'INVITE', peer, branch: 'z9hG4bKcl1', callId: 'cl1', extra: ['Content-Type: application/sdp'], body: 'v=0\r\n' });
    await peer.send(invite, core.udpPort);
    const ok = await peer.response(200, 'INVITE');
    assert.equal(table.serverCount, 1, 'a transaction until the ACK');
    await peer.send(requestText({ method: 'ACK', peer, branch: 'z9hG4bKcl1a', callId: 'cl1', toTag: ok.to?.tag }), core.udpPort);
    await waitUntil(() => table.serverCount === 0, 2000, 'the transaction to leave the table at the ACK');
    assert.equal(core.endpoint.transactionCounts.server, 1, 'its wait in the compact store');
    clock.advance(32_000);
    await peer.send(invite, core.udpPort);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(calls, 1, 'a retransmission within 64·T1 is absorbed (RFC 6026 §8.7)');
    assert.equal(peer.responses(200).length, 1, 'and answered with nothing');
    clock.advance(100);
    assert.equal(core.endpoint.transactionCounts.server, 0, 'forgotten after Timer L (and the store’s 100 ms bucket)');
  } finally {
    await peer.close();
    await core.close();
  }
});

test('a completed non-INVITE transaction on UDP waits out Timer J in the compact store: retransmissions get the same bytes, then it is forgotten (§17.2.2)', async () => {
  const clock = new FakeScheduler();
  const core = await startEndpoint({ scheduler: clock });
  const seen: string[] = [];
  core.endpoint.handle('MESSAGE', {
    handleRequest: (r) => {
      seen.push(r.request.callId ?? '');
      r.respond(200, 'OK');
    },
  });
  const peer = await sipPeer();
  try {
    const text = requestText({ method: 'MESSAGE', peer, branch: 'z9hG4bKcompact1', callId: 'compact1', body: 'hi' });
    await peer.send(text, core.udpPort);
    const first = await peer.response(200, 'MESSAGE');
    assert.equal(core.endpoint.transactionCounts.server, 1, 'kept for Timer J');
    await peer.send(text, core.udpPort);
    await waitUntil(() => peer.responses(200).length === 2, 2000, 'the 200 again');
    const again = peer.responses(200)[1]!;
    assert.equal(again.to?.tag, first.to?.tag, 'the same response, not a new one');
    assert.deepEqual(seen, ['compact1'], 'the retransmission did not reach the handler');
    clock.advance(32_000);
    assert.equal(core.endpoint.transactionCounts.server, 1, 'kept for at least 64·T1');
    clock.advance(100);
    assert.equal(core.endpoint.transactionCounts.server, 0, 'forgotten after Timer J (and the store’s 100 ms bucket)');
    await peer.send(text, core.udpPort);
    await waitUntil(() => seen.length === 2, 2000, 'the request to be new again');
  } finally {
    await peer.close();
    await core.close();
  }
});

test('over TCP a completed non-INVITE transaction ends at once (Timer J is zero on reliable transports)', async () => {
  const core = await startEndpoint();
  const peer = await tcpPeer(core.tcpPort);
  try {
    peer.write(requestText({ method: 'OPTIONS', peer: { host: '127.0.0.1', port: peer.socket.localPort! }, transport: 'TCP', branch: 'z9hG4bKtcpj', callId: 'tcpj' }));
    await waitUntil(() => peer.text().includes('\r\n\r\n'), 3000, 'the 200 over TCP');
    await waitUntil(() => core.endpoint.transactionCounts.server === 0, 2000, 'the transaction to end');
  } finally {
    peer.close();
    await core.close();
  }
});

test('a handler may answer at once (§17.2.2 without a transaction object): a UDP retransmission gets the same bytes and never reaches the handler; an RFC 2543 branch and TCP are served too', async () => {
  const clock = new FakeScheduler();
  const core = await startEndpoint({ scheduler: clock });
  const atOnce: string[] = [];
  const handled: string[] = [];
  core.endpoint.handle('MESSAGE', {
    answerAtOnce: (request, _source, transport) => {
      // A counter, so that a second call would answer differently: state may change here.
      atOnce.push(request.callId ?? '');
      if (request.callId === 'later') return undefined;
      return { statusCode: 200, reasonPhrase: 'OK', headers: [['X-Answer', `${transport} ${atOnce.length}`]] };
    },
    handleRequest: (r) => {
      handled.push(r.request.callId ?? '');
      r.respond(202, 'Accepted');
    },
  });
  const peer = await sipPeer();
  const tcp = await tcpPeer(core.tcpPort);
  try {
    const text = requestText({ method: 'MESSAGE', peer, branch: 'z9hG4bKnow1', callId: 'now1', body: 'hi' });
    await peer.send(text, core.udpPort);
    const first = await peer.response(200, 'MESSAGE');
    assert.equal(first.headers.get('x-answer'), 'udp 1');
    assert.ok(first.to?.tag !== undefined, 'a final response with a To tag');
    assert.equal(core.endpoint.transactionCounts.server, 1, 'kept for Timer J in the compact store');
    await peer.send(text, core.udpPort);
    await waitUntil(() => peer.responses(200).length === 2, 2000, 'the 200 again');
    const again = peer.responses(200)[1]!;
    assert.equal(again.to?.tag, first.to?.tag);
    assert.equal(again.headers.get('x-answer'), 'udp 1', 'the same response, not a new decision');
    assert.deepEqual([atOnce, handled], [['now1'], []]);
    clock.advance(32_100);
    assert.equal(core.endpoint.transactionCounts.server, 0, 'forgotten after Timer J');

    // No answer at once: a transaction and handleRequest, as without the hook.
    await peer.send(requestText({ method: 'MESSAGE', peer, branch: 'z9hG4bKnow2', callId: 'later', body: 'hi' }), core.udpPort);
    await peer.response(202, 'MESSAGE');
    assert.deepEqual(handled, ['later']);
    // RFC 2543 branch (no magic cookie): matching needs the transaction table, so the hook is not asked.
    await peer.send(requestText({ method: 'MESSAGE', peer, branch: 'old2543', callId: 'old', body: 'hi' }), core.udpPort);
    await waitUntil(() => handled.includes('old'), 2000, 'the RFC 2543 request through a transaction');
    assert.ok(!atOnce.includes('old'));

    tcp.write(requestText({ method: 'MESSAGE', peer: { host: '127.0.0.1', port: tcp.socket.localPort! }, transport: 'TCP', branch: 'z9hG4bKnowtcp', callId: 'nowtcp', body: 'hi' }));
    await waitUntil(() => tcp.text().includes('X-Answer: tcp'), 3000, 'the answer over TCP');
  } finally {
    tcp.close();
    await peer.close();
    await core.close();
  }
});
