/**
 * The simulated modems' own error codes and texts, written from the specifications and vendor manuals
 * and deliberately not shared with the drivers: a driver that reads a code wrongly must meet a modem
 * that says what the standard says, or a wrong code could never fail a test. Pure.
 *
 *  - +CME ERROR <err> (3GPP TS 27.007 §9.2): §9.2.1 general errors (0..100) and §9.2.2 GPRS/EPS errors
 *    (100 and up, mostly TS 24.008 GMM/SM causes offset into this range). AT+CMEE=2 prints the text.
 *  - +CMS ERROR <err> (3GPP TS 27.005 §3.2.5): 0..127 are the RP-cause values of TS 24.011 §8.2.5.4
 *    (Table 8.4, texts of Annex E-2), 128..255 the TP-Failure-Cause values of TS 23.040 §9.2.3.22, and
 *    300..500 the ME/TA errors that §3.2.5 defines itself.
 *  - Vendor codes: Quectel EC2x HTTP(S) AT manual, "Summary of Error Codes" (given as +CME ERROR after
 *    the HTTP commands and as <err> of +QHTTPGET); SIMCom SIM7500/SIM7600 HTTP(S) application note,
 *    <statuscode> of +HTTPACTION from 600 up. Those manuals list numbers only, no verbose form, so the
 *    simulator prints the number for them whatever AT+CMEE says.
 */

/** TS 27.007 §9.2.1 and §9.2.2 (the codes a modem of this kind can give). */
export const CME_ERRORS: ReadonlyMap<number, string> = new Map([
  [0, 'phone failure'],
  [1, 'no connection to phone'],
  [2, 'phone-adaptor link reserved'],
  [3, 'operation not allowed'],
  [4, 'operation not supported'],
  [5, 'PH-SIM PIN required'],
  [6, 'PH-FSIM PIN required'],
  [7, 'PH-FSIM PUK required'],
  [10, 'SIM not inserted'],
  [11, 'SIM PIN required'],
  [12, 'SIM PUK required'],
  [13, 'SIM failure'],
  [14, 'SIM busy'],
  [15, 'SIM wrong'],
  [16, 'incorrect password'],
  [17, 'SIM PIN2 required'],
  [18, 'SIM PUK2 required'],
  [20, 'memory full'],
  [21, 'invalid index'],
  [22, 'not found'],
  [23, 'memory failure'],
  [24, 'text string too long'],
  [25, 'invalid characters in text string'],
  [26, 'dial string too long'],
  [27, 'invalid characters in dial string'],
  [30, 'no network service'],
  [31, 'network timeout'],
  [32, 'network not allowed - emergency calls only'],
  [40, 'network personalization PIN required'],
  [41, 'network personalization PUK required'],
  [42, 'network subset personalization PIN required'],
  [43, 'network subset personalization PUK required'],
  [44, 'service provider personalization PIN required'],
  [45, 'service provider personalization PUK required'],
  [46, 'corporate personalization PIN required'],
  [47, 'corporate personalization PUK required'],
  [48, 'hidden key required'],
  [49, 'EAP method not supported'],
  [50, 'incorrect parameters'],
  [51, 'command implemented but currently disabled'],
  [52, 'command aborted by user'],
  [53, 'not attached to network due to MT functionality restrictions'],
  [54, 'modem not allowed - MT restricted to emergency calls only'],
  [55, 'operation not allowed because of MT functionality restrictions'],
  [56, 'fixed dial number only allowed - called number is not a fixed dial number'],
  [57, 'temporarily out of service due to other MT usage'],
  [58, 'language/alphabet not supported'],
  [59, 'unexpected data value'],
  [60, 'system failure'],
  [61, 'data missing'],
  [62, 'call barred'],
  [63, 'message waiting indication subscription failure'],
  [100, 'unknown'],
  // §9.2.2: GMM causes of TS 24.008 Annex G, numbered 100 + cause where one exists.
  [103, 'illegal MS'],
  [106, 'illegal ME'],
  [107, 'GPRS services not allowed'],
  [111, 'PLMN not allowed'],
  [112, 'location area not allowed'],
  [113, 'roaming not allowed in this location area'],
  [132, 'service option not supported'],
  [133, 'requested service option not subscribed'],
  [134, 'service option temporarily out of order'],
  [148, 'unspecified GPRS error'],
  [149, 'PDP authentication failure'],
  [150, 'invalid mobile class'],
]);

/** TS 27.005 §3.2.5, with the RP-cause (TS 24.011) and TP-Failure-Cause (TS 23.040) ranges it includes. */
export const CMS_ERRORS: ReadonlyMap<number, string> = new Map([
  // TS 24.011 §8.2.5.4 RP-cause, mobile originating
  [1, 'unassigned (unallocated) number'],
  [8, 'operator determined barring'],
  [10, 'call barred'],
  [21, 'short message transfer rejected'],
  [27, 'destination out of service'],
  [28, 'unidentified subscriber'],
  [29, 'facility rejected'],
  [30, 'unknown subscriber'],
  [38, 'network out of order'],
  [41, 'temporary failure'],
  [42, 'congestion'],
  [47, 'resources unavailable, unspecified'],
  [50, 'requested facility not subscribed'],
  [69, 'requested facility not implemented'],
  [81, 'invalid short message transfer reference value'],
  [95, 'invalid message, unspecified'],
  [96, 'invalid mandatory information'],
  [97, 'message type non-existent or not implemented'],
  [98, 'message not compatible with short message protocol state'],
  [99, 'information element non-existent or not implemented'],
  [111, 'protocol error, unspecified'],
  [127, 'interworking, unspecified'],
  // TS 23.040 §9.2.3.22 TP-Failure-Cause
  [128, 'telematic interworking not supported'],
  [129, 'short message type 0 not supported'],
  [130, 'cannot replace short message'],
  [143, 'unspecified TP-PID error'],
  [144, 'data coding scheme (alphabet) not supported'],
  [145, 'message class not supported'],
  [159, 'unspecified TP-DCS error'],
  [160, 'command cannot be actioned'],
  [161, 'command unsupported'],
  [175, 'unspecified TP-Command error'],
  [176, 'TPDU not supported'],
  [192, 'SC busy'],
  [193, 'no SC subscription'],
  [194, 'SC system failure'],
  [195, 'invalid SME address'],
  [196, 'destination SME barred'],
  [197, 'SM rejected - duplicate SM'],
  [198, 'TP-VPF not supported'],
  [199, 'TP-VP not supported'],
  [208, '(U)SIM SMS storage full'],
  [209, 'no SMS storage capability in (U)SIM'],
  [210, 'error in MS'],
  [211, 'memory capacity exceeded'],
  [212, '(U)SIM application toolkit busy'],
  [213, '(U)SIM data download error'],
  [255, 'unspecified error cause'],
  // TS 27.005 §3.2.5 ME/TA errors
  [300, 'ME failure'],
  [301, 'SMS service of ME reserved'],
  [302, 'operation not allowed'],
  [303, 'operation not supported'],
  [304, 'invalid PDU mode parameter'],
  [305, 'invalid text mode parameter'],
  [310, '(U)SIM not inserted'],
  [311, '(U)SIM PIN required'],
  [312, 'PH-(U)SIM PIN required'],
  [313, '(U)SIM failure'],
  [314, '(U)SIM busy'],
  [315, '(U)SIM wrong'],
  [316, '(U)SIM PUK required'],
  [317, '(U)SIM PIN2 required'],
  [318, '(U)SIM PUK2 required'],
  [320, 'memory failure'],
  [321, 'invalid memory index'],
  [322, 'memory full'],
  [330, 'SMSC address unknown'],
  [331, 'no network service'],
  [332, 'network timeout'],
  [340, 'no +CNMA acknowledgement expected'],
  [500, 'unknown error'],
]);

/** Quectel HTTP(S) error codes the simulated EC25 gives (+CME ERROR after AT+QHTTP*, <err> of +QHTTPGET). */
export const QUECTEL_HTTP = {
  unknown: 701,
  timeout: 702,
  busy: 703,
  networkDeactivated: 709,
  urlError: 711,
  emptyUrl: 712,
  dnsError: 714,
  socketConnectError: 716,
  invalidParameter: 730,
} as const;

/** The manual's meaning of each code in QUECTEL_HTTP (for people and for cross-checks; never printed). */
export const QUECTEL_HTTP_MEANING: ReadonlyMap<number, string> = new Map([
  [QUECTEL_HTTP.unknown, 'HTTP(S) unknown error'],
  [QUECTEL_HTTP.timeout, 'HTTP(S) timeout'],
  [QUECTEL_HTTP.busy, 'HTTP(S) busy'],
  [QUECTEL_HTTP.networkDeactivated, 'HTTP(S) network deactivated'],
  [QUECTEL_HTTP.urlError, 'HTTP(S) URL error'],
  [QUECTEL_HTTP.emptyUrl, 'HTTP(S) empty URL'],
  [QUECTEL_HTTP.dnsError, 'HTTP(S) DNS error'],
  [QUECTEL_HTTP.socketConnectError, 'HTTP(S) socket connect error'],
  [QUECTEL_HTTP.invalidParameter, 'invalid parameter'],
]);

/** SIMCom <statuscode> values of +HTTPACTION the simulated SIM7600 gives for its own failures. */
export const SIMCOM_HTTP = {
  unknown: 702,
  timeout: 705,
  dnsFailed: 713,
  connectFailed: 714,
  noNetwork: 717,
} as const;

/** The application note's meaning of each code in SIMCOM_HTTP (never printed). */
export const SIMCOM_HTTP_MEANING: ReadonlyMap<number, string> = new Map([
  [SIMCOM_HTTP.unknown, 'unknown error'],
  [SIMCOM_HTTP.timeout, 'timeout'],
  [SIMCOM_HTTP.dnsFailed, 'get DNS failed'],
  [SIMCOM_HTTP.connectFailed, 'connect socket failed'],
  [SIMCOM_HTTP.noNetwork, 'no network error'],
]);

/** Verbose (AT+CMEE=2) text of a +CME ERROR code, undefined for codes printed as numbers. */
export function cmeVerboseText(code: number): string | undefined {
  return CME_ERRORS.get(code);
}

/** Verbose (AT+CMEE=2) text of a +CMS ERROR code, undefined for codes printed as numbers. */
export function cmsVerboseText(code: number): string | undefined {
  return CMS_ERRORS.get(code);
}
