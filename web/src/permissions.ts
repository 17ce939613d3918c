/** What the UI offers each role beyond reading, mirroring the server's access policy (docs/api.md). */
import { me } from './api/session';
import type { Role } from './api/types';

const SMS_WRITERS: readonly Role[] = ['admin', 'user', 'sms'];

/** Delete, resend and fail messages. */
export function maySendSms(): boolean {
  const m = me.value;
  return !!m && SMS_WRITERS.includes(m.role);
}
