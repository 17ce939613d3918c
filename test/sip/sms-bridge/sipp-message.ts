/**
 * SIPp scenarios for the bridge tests: a UAC sending one MESSAGE and expecting a status (then staying
 * up while the relay report comes back, which the out-of-call scenario answers 200 only when its body
 * matches), and a UAS taking one MESSAGE whose body must match.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface UacMessageScenario {
  /** User part of the Request-URI and To. */
  readonly toUser: string;
  readonly body: string;
  readonly expectStatus: number;
  /** How long SIPp stays up after the answer (for the relay report). */
  readonly lingerMs: number;
}

/** Writes the UAC scenario; returns its path. */
export function writeUacMessage(dir: string, s: UacMessageScenario): string {
  const xml = `<?xml version="1.0" encoding="UTF-8" ?>
<scenario name="message-uac">
  <send retrans="500"><![CDATA[
MESSAGE sip:${s.toUser}@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:102@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:${s.toUser}@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 MESSAGE
Max-Forwards: 70
Content-Type: text/plain ;charset=UTF-8
Content-Length: [len]

${s.body}]]></send>
  <recv response="${s.expectStatus}"/>
  <pause milliseconds="${s.lingerMs}"/>
</scenario>
`;
  const path = join(dir, 'message-uac.xml');
  writeFileSync(path, xml, 'utf8');
  return path;
}

/** Receives one MESSAGE; answers 200 only when the body matches `regexp` (else the call fails, no answer). */
export function writeMessageReceiver(dir: string, name: string, regexp: string): string {
  const xml = `<?xml version="1.0" encoding="UTF-8" ?>
<scenario name="${name}">
  <recv request="MESSAGE">
    <action>
      <ereg regexp="${regexp}" search_in="body" check_it="true" assign_to="matched"/>
    </action>
  </recv>
  <Reference variables="matched"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
</scenario>
`;
  const path = join(dir, `${name}.xml`);
  writeFileSync(path, xml, 'utf8');
  return path;
}
