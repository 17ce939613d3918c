/**
 * The Quectel family as the rest of the daemon sees it: how to recognise it, which USB interface is which
 * port, its dual-SIM command, its quirks, and how to open its Modem (./modem.ts).
 *
 * USB (Linux drivers/usb/serial/option.c; see docs/modems.md): vendor 0x2c7c, EC21 0x0121, EC25 / EG25-G /
 * EC20 R2.x 0x0125, EG91 0x0191, EG95 0x0195. The old EC20 enumerates with Qualcomm's vendor id as
 * 0x05c6:0x9215. Layout on all of these: 0 DM (diagnostics), 1 NMEA (also the "voice over USB" PCM port
 * after AT+QPCMV=1,0), 2 AT, 3 modem (PPP, also answers AT), 4 QMI network interface (reserved by
 * option.c, bound by qmi_wwan).
 *
 * Dual SIM: AT+QDSIM=<n> selects the (U)SIM card, n = 0 for SIM1 and 1 for SIM2; AT+QDSIM? answers
 * `+QDSIM: <n>`. Checked against public Quectel-based drivers and fixtures (EG915U/EC200U/EC2x-class
 * routers); the EC2x AT manual text itself was not available to verify which EC2x firmware has it.
 */
import type { FamilyDescriptor, UsbInterfaceRole, UsbProduct } from '../capabilities.js';
import { openQuectelModem } from './modem.js';

const VENDOR_QUECTEL = 0x2c7c;
const VENDOR_QUALCOMM = 0x05c6;

const LAYOUT: readonly UsbInterfaceRole[] = ['diag', 'nmea', 'at', 'modem', 'net'];

function product(vendorId: number, productId: number, name: string): UsbProduct {
  // PCM audio comes out of the NMEA port (interface 1) once AT+QPCMV=1,0 routed voice there.
  // The modem port (interface 3) answers AT too: the line's second port for probing a busy modem.
  return { vendorId, productId, name, atInterface: 2, secondaryAtInterface: 3, audioInterface: 1, interfaces: LAYOUT };
}

/** Model / revision prefixes of the Quectel EC2x / EG2x / EG9x / EM05 LTE family (Qualcomm MDM9x07 based). */
const MODEL = /^(?:EC2[015]|EG2[15]|EG9[15]|EM05)/i;

const PRODUCTS: readonly UsbProduct[] = [
  product(VENDOR_QUECTEL, 0x0121, 'EC21'),
  product(VENDOR_QUECTEL, 0x0125, 'EC25 / EG25-G / EC20 R2.x'),
  product(VENDOR_QUECTEL, 0x0191, 'EG91'),
  product(VENDOR_QUECTEL, 0x0195, 'EG95'),
  product(VENDOR_QUALCOMM, 0x9215, 'EC20 (first revision, Qualcomm vendor id)'),
];

export const QUECTEL_FAMILY: FamilyDescriptor = {
  name: 'quectel',
  usb: PRODUCTS,
  // Revisions start with the model: EC25EFAR06A06M4G, EG25GGBR07A08M2G.
  matchesIdentity: (id) => /quectel/i.test(id.manufacturer) || MODEL.test(id.model) || MODEL.test(id.revision),
  // Every product under Quectel's own vendor id is one; under Qualcomm's only the EC20 listed above.
  matchesUsb: (vendorId, productId) => vendorId === VENDOR_QUECTEL || PRODUCTS.some((p) => p.vendorId === vendorId && p.productId === productId),
  dualSim: {
    name: 'Quectel AT+QDSIM',
    select: 'AT+QDSIM={value}',
    query: 'AT+QDSIM?',
    prefix: '+QDSIM:',
    field: 0,
    values: { A: '0', B: '1' },
    timeoutMs: 5000,
  },
  quirks: {
    /** +CDSI: "SM",<n> announces a report kept in "SR" (EC25/EG25-G). */
    statusReportAnnouncedInSm: true,
    /** The PCM port also carries GPS NMEA unless AT+QGPSCFG="outport","none". */
    pcmPortSharedWithNmea: true,
  },
  open: openQuectelModem,
};
