/**
 * The messaging parts of the configuration as the code uses them (the zod schema in
 * src/config/schema-messaging.ts produces these shapes; docs/configuration.md describes every key).
 */

/** `sms` section: sending, receiving and retention (manual §4.10, §5.6, §5.7, appendix A and E). */
export interface SmsConfig {
  /** §4.10 "发送间隔": minimum seconds between two SMS on one line. */
  sendIntervalSec: number;
  /** §4.10: use the SMSC stored on the SIM (true) or `smsc` below. */
  useSimSmsc: boolean;
  smsc: string | null;
  /** Appendix E rules applied to every recipient before sending. */
  dialRules: string;
  strictDialRules: boolean;
  /** §4.3 line-prefix matching for SMS: match the sender or the recipient against lines[].prefixes. */
  prefixMatch: 'caller' | 'callee';
  /** When matching the recipient: remove the matched prefix before sending. */
  stripPrefix: boolean;
  /** Ask the network for status reports (TP-SRR) so messages can become delivered. */
  statusReports: boolean;
  /** Attempts on different lines before a message is failed. */
  maxAttempts: number;
  /** Seconds before a message that failed on one line is tried again. */
  retryDelaySec: number;
  /** Resend a message whose outcome is unknown (modem hung after AT+CMGS, restart while sending). Default false: no silent duplicates. */
  resendUnknown: boolean;
  /** Seconds to wait for the missing parts of a received concatenated SMS before storing it flagged partial. */
  partTimeoutSec: number;
  /** Seconds to wait for the missing parts of a message submitted in parts (SMPP) before sending what came. */
  submitPartTimeoutSec: number;
  /** Retention in days (0 = keep forever). */
  retention: { inboxDays: number; outboxDays: number };
  /** Appendix A SMS commands (src/sms/commands.ts says what counts as one). */
  commands: {
    /** Answer `###INFO###` (default false). */
    info: boolean;
    /** When not empty, only these senders get the ###INFO### answer (a leading + is ignored in the comparison). */
    infoFrom: string[];
    /** At most `perSender` ###INFO### answers to one sender within `windowMinutes`. */
    infoLimit: { perSender: number; windowMinutes: number };
    reboot: boolean;
    reset: boolean;
  };
  /** Forwarding rules for received SMS; every matching rule forwards. */
  forward: ForwardRule[];
  /** Retry policy of forwards (e-mail, webhook, SIP): exponential back-off from `retryBaseSec` up to `retryMaxSec`, given up after `giveUpHours`. */
  forwardRetry: { retryBaseSec: number; retryMaxSec: number; giveUpHours: number };
}

export interface ForwardRule {
  /** Lines (1-based ids) whose SMS this rule forwards; absent = all lines. */
  lines?: number[];
  /** §4.10 "短信转发至手机": forward as an SMS `L1,+8613670128297>text` to this number. */
  phone?: string;
  /** §4.10 "短信转发至邮箱": recipients (the SMTP server is `mail`). */
  email?: string[];
  /** JSON POST, HMAC-signed when `secret` is set. */
  webhook?: { url: string; secret?: string; timeoutSec?: number };
  /** §4.10 "短信转发至 VoIP": SIP MESSAGE to this extension/URI (sent once the SIP side is there). */
  sip?: string;
}

/** `mail` section: the SMTP server used for forwarding (STARTTLS/TLS, unlike the manual's device). */
export interface MailConfig {
  host: string;
  port: number;
  /** starttls: plain connect then STARTTLS, required; tls: TLS from the start (465); none: plain (only for loopback tests). */
  security: 'starttls' | 'tls' | 'none';
  user: string | null;
  password: string | null;
  from: string;
  /** Verify the server certificate (default true). */
  rejectUnauthorized: boolean;
  /** Extra CA certificate file (PEM) to trust, e.g. a private SMTP relay's. */
  caFile: string | null;
}

/** `smpp` section: the SMPP v3.4 SMSC (manual §4.1 "SMPP SMSC"). */
export interface SmppConfig {
  enabled: boolean;
  host: string;
  port: number;
  tls: { certFile: string; keyFile: string } | null;
  windowSize: number;
  /** Per account; 0 = unlimited. Beyond it, submit_sm gets ESME_RTHROTTLED. */
  maxSubmitsPerSecond: number;
  responseTimeoutSec: number;
  enquireLinkSec: number;
  /**
   * §4.1 "线路号码": deliver_sm destination = the SIM's own number (true) or the bound system_id (false).
   */
  lineNumber: boolean;
  /**
   * Accounts. With `perLineIds` (the manual's scheme) an account with system_id "1" also accepts
   * "101", "102", … ("1" followed by the two-digit line number): submits through "10N" use line N,
   * receivers bound as "10N" get only line N's messages.
   */
  accounts: SmppAccount[];
}

export interface SmppAccount {
  systemId: string;
  password: string;
  perLineIds: boolean;
  /** Lines this account may use and receive from; absent = all. */
  lines?: number[];
  /** Whether received SMS are kept for this account until one of its receivers takes them. */
  receive: boolean;
}

/** `ussd` section. */
export interface UssdConfig {
  /** Seconds to wait for the network's reply (at least 15). */
  timeoutSec: number;
}

/** `ownNumber` section: manual §5.11, ways to learn a SIM's own number when the SIM does not hold it. */
export interface OwnNumberConfig {
  ussd: { code: string; marker: string } | null;
  smsQuery: { to: string; text: string; replyFrom: string; marker: string } | null;
  /** Send a signed SMS to a line whose number is known; that line learns the sender's number. */
  discovery: { enabled: boolean; secret: string | null };
  /** Seconds to wait for a USSD or SMS reply. */
  timeoutSec: number;
}
