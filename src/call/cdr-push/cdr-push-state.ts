/**
 * The CDR pusher's states. `idle`: everything recorded was sent; `sending`: posting the calls after
 * the receiver's position; `backing-off`: the receiver failed, a retry is scheduled; `stopped`.
 */
export type CdrPushState = 'stopped' | 'idle' | 'sending' | 'backing-off';
export type CdrPushEvent = 'start' | 'work' | 'drained' | 'failed' | 'retry-due' | 'stop';

export function nextCdrPushState(from: CdrPushState, event: CdrPushEvent): CdrPushState {
  if (event === 'stop') return 'stopped';
  switch (from) {
    case 'stopped':
      if (event === 'start') return 'idle';
      break;
    case 'idle':
      if (event === 'work') return 'sending';
      break;
    case 'sending':
      if (event === 'drained') return 'idle';
      if (event === 'failed') return 'backing-off';
      break;
    case 'backing-off':
      if (event === 'retry-due') return 'sending';
      break;
  }
  throw new Error(`CDR push: illegal transition ${from} --${event}-->`);
}
