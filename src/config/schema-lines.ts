/**
 * The `lines` entries of the configuration schema: a line's modem (port, USB path, IMEI, family), its
 * SIM PINs, IMEI writing, SIM switch (schema-sim-switch.ts), prefixes, data check, call audio and reset.
 */
import { z } from 'zod';
import { RECEIVED } from './errors.js';
import { bool, devicePath, expected, int, obj, oneOf, pattern, text, type IssueLike } from './schema-helpers.js';
import { isValidImei, luhnCheckDigit } from '../gsm/imei.js';
import { simSwitchSchema } from './schema-sim-switch.js';

export const MODEM_FAMILIES = ['auto', 'generic', 'quectel', 'simcom'] as const;
export { SLOTS, type SlotLetter } from './schema-sim-switch.js';

// ---------------------------------------------------------------------------------------------
// Field types

const usbPath = pattern(/^\d+-\d+(?:\.\d+)*$/, 'a USB port path as listed in /sys/bus/usb/devices, such as "1-1.3"');
const imeiDigits = pattern(/^\d{15}$/, 'an IMEI of 15 digits, written as a string');
const pin = pattern(/^\d{4,8}$/, 'a PIN of 4 to 8 digits, written as a string');
const plmn = pattern(/^\d{5,6}$/, 'a PLMN of 5 or 6 digits (MCC + MNC), such as "26201"');

/** An IMEI to program into a modem: 15 digits whose last one is the Luhn check digit (3GPP TS 23.003 §6.2.1). */
const imeiToWrite = imeiDigits.refine((s) => !/^\d{15}$/.test(s) || isValidImei(s), {
  error: (iss: IssueLike) => {
    const s = String(iss.input);
    return `expected an IMEI with a valid Luhn check digit (the last digit should be ${luhnCheckDigit(s.slice(0, 14))}), got ${RECEIVED}`;
  },
});

const pinsSchema = obj({ A: pin.optional(), B: pin.optional(), C: pin.optional(), D: pin.optional() }, 'an object such as {"A": "1234"}');

const imeiWriteSchema = obj({
  mode: oneOf(['off', 'per-line', 'per-sim']).default('off'),
  imei: imeiToWrite.optional(),
  perSim: obj({ A: imeiToWrite.optional(), B: imeiToWrite.optional(), C: imeiToWrite.optional(), D: imeiToWrite.optional() }).optional(),
});

export const lineSchema = obj({
  id: int(1, 9999).optional(),
  name: text(1, 64).optional(),
  enabled: bool().default(true),
  port: devicePath.optional(),
  usbPath: usbPath.optional(),
  imei: imeiDigits.optional(),
  family: oneOf(MODEM_FAMILIES).default('auto'),
  baudRate: int(300, 4_000_000).default(115200),
  operator: obj({ mode: oneOf(['auto', 'manual']).default('auto'), plmn: plmn.optional() }).prefault({}),
  pins: pinsSchema.prefault({}),
  imeiWrite: imeiWriteSchema.prefault({}),
  simSwitch: simSwitchSchema.default(() => ({ backend: 'none' as const })),
  // Manual §4.3 line-prefix matching, shared by calls and SMS: "00,13,15,17,2".
  prefixes: text(0, 140, 'a prefix list of at most 140 characters such as "00,13,15"').default(''),
  // Data connectivity check (manual §5.10, without its traffic-disguise purpose): the modem fetches the URL
  // through its own data connection on demand (POST /api/lines/:id/data-check) and every intervalMinutes.
  dataCheck: obj({
    url: z
      .string({ error: expected('an http:// or https:// URL') })
      .refine((u) => /^https?:\/\/[^\s"]+$/.test(u), { error: expected('an http:// or https:// URL') })
      .optional(),
    apn: pattern(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'an APN such as "internet" or "cmnet"').optional(),
    intervalMinutes: int(0, 10_080).default(0),
  }).prefault({}),
  // Call audio on the modem's USB PCM port (docs/media.md "Modem audio"). Gains and the echo canceller
  // are in the family's own units and checked against its manual's range when a call starts.
  audio: obj({
    /**
     * The PCM audio port's device path, for a modem that is not found through USB (a UART modem with a
     * separate audio tty, the simulator's ptys). Absent: the USB family layout's audio interface.
     */
    port: devicePath.optional(),
    /** Uplink gain: Quectel AT+QMIC 0-65535, SIMCom AT+CMICGAIN 0-8. Absent: left as the modem has it. */
    micGain: int(0, 65535).optional(),
    /** Downlink gain: Quectel AT+QRXGAIN 0-65535, SIMCom AT+COUTGAIN 0-8. */
    speakerGain: int(0, 65535).optional(),
    /** SIMCom AT+CECM=<mode> (0 off, 1-7). */
    echoCancellerMode: int(0, 7).optional(),
    /** Quectel AT+QEEC=<index>,<value> pairs, sent in order. */
    echoCancellerParams: z
      .array(obj({ index: int(0, 50), value: int(0, 65535) }), { error: expected('a list such as [{"index": 0, "value": 1}]') })
      .max(51)
      .optional(),
    /** SIMCom: 16000 sends AT+CPCMFRM=1 at bring-up (firmware that has it). */
    pcmSampleRate: int(8000, 16000)
      .refine((v) => v === 8000 || v === 16000, { error: expected('8000 or 16000') })
      .default(8000),
    /** SIMCom: 40 on firmware that writes 40 ms frames. */
    pcmFrameMs: int(20, 40)
      .refine((v) => v === 20 || v === 40, { error: expected('20 or 40') })
      .default(20),
  }).prefault({}),
  reset: obj({
    usbPowerCycle: bool().default(true),
    // [program, ...arguments]; arguments may be empty strings, the program may not.
    command: z
      .tuple([text(1, 4096, 'a program name or path')], z.string({ error: expected('a string argument') }), {
        error: expected('a program and its arguments, such as ["gpioset", "gpiochip0", "5=0"]'),
      })
      .optional(),
  }).prefault({}),
});
