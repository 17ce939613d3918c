/**
 * Finds USB serial ports and groups them by modem through sysfs, without udev: `SerialPort.list()`
 * spawns `udevadm`, which a minimal system may lack (its spawn error is thrown, not returned), and it
 * does not report the USB interface number we need to pick the AT port.
 *
 * sysfs layout (Linux): /sys/class/tty/ttyUSB2/device → …/usb1/1-1/1-1.3/1-1.3:1.2/ttyUSB2 (usb-serial,
 * option driver) or /sys/class/tty/ttyACM0/device → …/1-1.3:1.2 (cdc-acm). The interface directory holds
 * `bInterfaceNumber`; its parent, the USB device directory named by its port path ("1-1.3"), holds
 * `idVendor`, `idProduct`, `serial`, `manufacturer`, `product`, and `authorized` (used to power-cycle).
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface UsbSerialPort {
  /** /dev/ttyUSB2 */
  devPath: string;
  /** USB port path, stable while the modem stays in the same socket, e.g. "1-1.3". */
  usbPath: string;
  interfaceNumber: number;
  vendorId: number;
  productId: number;
  serial: string | null;
  product: string | null;
}

export interface UsbModem {
  usbPath: string;
  vendorId: number;
  productId: number;
  serial: string | null;
  product: string | null;
  /** Serial interfaces of this device, by interface number. */
  ports: UsbSerialPort[];
  /** The sysfs directory of the USB device (for `authorized`). */
  sysDir: string;
}

export interface DiscoveryRoots {
  sys: string;
  dev: string;
}

const DEFAULT_ROOTS: DiscoveryRoots = { sys: '/sys', dev: '/dev' };

function readAttr(dir: string, name: string): string | null {
  try {
    return readFileSync(join(dir, name), 'utf8').trim();
  } catch {
    return null;
  }
}

/** Every USB serial tty (ttyUSB*, ttyACM*) with its USB identity. Never throws; an unreadable entry is skipped. */
export function scanUsbSerialPorts(roots: DiscoveryRoots = DEFAULT_ROOTS): UsbSerialPort[] {
  const classDir = join(roots.sys, 'class', 'tty');
  let names: string[];
  try {
    names = readdirSync(classDir).filter((n) => /^tty(USB|ACM)\d+$/.test(n));
  } catch {
    return [];
  }
  const out: UsbSerialPort[] = [];
  for (const name of names) {
    let dir: string;
    try {
      dir = realpathSync(join(classDir, name, 'device'));
    } catch {
      continue;
    }
    // walk up to the interface directory
    let iface = dir;
    for (let i = 0; i < 3 && !existsSync(join(iface, 'bInterfaceNumber')); i++) iface = dirname(iface);
    const ifnum = readAttr(iface, 'bInterfaceNumber');
    const usbDir = dirname(iface);
    const vid = readAttr(usbDir, 'idVendor');
    const pid = readAttr(usbDir, 'idProduct');
    if (ifnum === null || vid === null || pid === null) continue;
    out.push({
      devPath: join(roots.dev, name),
      usbPath: basename(usbDir),
      interfaceNumber: parseInt(ifnum, 16),
      vendorId: parseInt(vid, 16),
      productId: parseInt(pid, 16),
      serial: readAttr(usbDir, 'serial'),
      product: readAttr(usbDir, 'product'),
    });
  }
  return out;
}

/** Ports grouped per USB device, sorted by USB path and interface. */
export function scanUsbModems(roots: DiscoveryRoots = DEFAULT_ROOTS): UsbModem[] {
  const byPath = new Map<string, UsbModem>();
  for (const p of scanUsbSerialPorts(roots)) {
    let m = byPath.get(p.usbPath);
    if (!m) {
      m = {
        usbPath: p.usbPath,
        vendorId: p.vendorId,
        productId: p.productId,
        serial: p.serial,
        product: p.product,
        ports: [],
        sysDir: join(roots.sys, 'bus', 'usb', 'devices', p.usbPath),
      };
      byPath.set(p.usbPath, m);
    }
    m.ports.push(p);
  }
  const modems = [...byPath.values()].sort((a, b) => a.usbPath.localeCompare(b.usbPath, 'en', { numeric: true }));
  for (const m of modems) m.ports.sort((a, b) => a.interfaceNumber - b.interfaceNumber);
  return modems;
}
