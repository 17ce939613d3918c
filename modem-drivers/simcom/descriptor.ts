/**
 * The SIMCom family as the rest of the daemon sees it: how to recognise it, which USB interface is which
 * port, its (absent) dual-SIM command, its quirks, and how to open its Modem (./modem.ts).
 *
 * USB (see docs/modems.md), vendor 0x1e0e: SIM7500/SIM7600 0x9001 (default composition): 0 diagnostics,
 * 1 NMEA, 2 AT, 3 modem, 4 audio (PCM after AT+CPCMREG=1), 5 QMI network (qmi_wwan), 6 ADB. 0x9011 (RNDIS
 * composition, AT+CUSBPIDSWITCH=9011): 0-1 RNDIS, then the same serial functions shifted by two
 * (2 diagnostics, 3 NMEA, 4 AT, 5 modem, 6 audio), 7 ADB (reserved in option.c). 0x1e0e is shared with
 * other Qualcomm-based sticks (PROLink, D-Link): only these SIM7x00 ids count. The modem port answers AT
 * as well and is the line's second port for probing a busy modem (decision 0016).
 *
 * Dual SIM: no dual-SIM command could be verified in SIMCom's SIM7500/SIM7600 documentation (AT+SWITCHSIM
 * and AT+DUALSIM belong to the A76xx series' dual-SIM application note, AT+SMSIMCFG shows up with SIMCom
 * 5G modules), so none is built in; a `commands` set in the configuration describes any other firmware.
 */
import type { FamilyDescriptor, UsbProduct } from '../capabilities.js';
import { openSimcomModem } from './modem.js';
import { DEFAULT_CALL_END_GRACE_MS } from './urc-handler.js';

const VENDOR_SIMCOM = 0x1e0e;

const PRODUCTS: readonly UsbProduct[] = [
  {
    vendorId: VENDOR_SIMCOM,
    productId: 0x9001,
    name: 'SIM7500/SIM7600 (default composition)',
    atInterface: 2,
    secondaryAtInterface: 3,
    audioInterface: 4,
    interfaces: ['diag', 'nmea', 'at', 'modem', 'audio', 'net', 'adb'],
  },
  {
    vendorId: VENDOR_SIMCOM,
    productId: 0x9011,
    name: 'SIM7500/SIM7600 (RNDIS composition)',
    atInterface: 4,
    secondaryAtInterface: 5,
    audioInterface: 6,
    interfaces: ['net', 'net', 'diag', 'nmea', 'at', 'modem', 'audio', 'adb'],
  },
];

const MODEL = /SIM7[56]00|^SIMCOM_/i;
/** Revisions carry the model inside: LE20B04SIM7600G22, SIM7600M22_V2.0.1. */
const REVISION = /SIM7[56]00/i;

export const SIMCOM_FAMILY: FamilyDescriptor = {
  name: 'simcom',
  usb: PRODUCTS,
  matchesIdentity: (id) => /simcom|simtech/i.test(id.manufacturer) || MODEL.test(id.model) || REVISION.test(id.revision),
  matchesUsb: (vendorId, productId) => PRODUCTS.some((p) => p.vendorId === vendorId && p.productId === productId),
  dualSim: { none: 'SIMCom modems have no built-in dual-SIM command (none could be verified for the SIM7500/SIM7600)' },
  quirks: {
    /** AT+CPCMREG=1 is refused until the call is connected. */
    usbAudioOnlyDuringCall: true,
    /** VOICE CALL: END is not reliably followed by NO CARRIER; default grace (ms) for one call end. */
    callEndGraceMs: DEFAULT_CALL_END_GRACE_MS,
    /** Audio can degrade after many AT+CPCMREG on/off cycles; only AT+CRESET recovers. */
    audioDegradesAfterManyCycles: true,
  },
  open: openSimcomModem,
};
