/**
 * Builds a sysfs-like tree (the parts usb-discovery reads) in a temp directory:
 *   sys/devices/usb1/1-1/<usbPath>/{idVendor,idProduct,serial,product,authorized}
 *   sys/devices/usb1/1-1/<usbPath>/<usbPath>:1.<n>/{bInterfaceNumber, ttyUSB<k>/}
 *   sys/class/tty/ttyUSB<k> -> ../../devices/usb1/1-1/<usbPath>/<usbPath>:1.<n>/ttyUSB<k>/tty/ttyUSB<k>
 *   …/ttyUSB<k>/tty/ttyUSB<k>/device -> ../.. (the usb-serial port directory)
 *   sys/bus/usb/devices/<usbPath> -> ../../../devices/usb1/1-1/<usbPath>
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface FakeUsbDevice {
  usbPath: string;
  vendorId: number;
  productId: number;
  /** tty numbers, one per interface starting at 0 (ttyUSB<first>..). */
  firstTty: number;
  interfaces: number;
  serial?: string;
}

export function buildSysfs(root: string, devices: FakeUsbDevice[]): { sys: string; dev: string } {
  const sys = join(root, 'sys');
  const dev = join(root, 'dev');
  rmSync(sys, { recursive: true, force: true });
  mkdirSync(join(sys, 'class', 'tty'), { recursive: true });
  mkdirSync(join(sys, 'bus', 'usb', 'devices'), { recursive: true });
  mkdirSync(dev, { recursive: true });
  for (const d of devices) {
    const ddir = join(sys, 'devices', 'usb1', '1-1', d.usbPath);
    mkdirSync(ddir, { recursive: true });
    writeFileSync(join(ddir, 'idVendor'), d.vendorId.toString(16).padStart(4, '0') + '\n');
    writeFileSync(join(ddir, 'idProduct'), d.productId.toString(16).padStart(4, '0') + '\n');
    writeFileSync(join(ddir, 'serial'), (d.serial ?? '0123456789ABCDEF') + '\n');
    writeFileSync(join(ddir, 'product'), 'Android\n');
    writeFileSync(join(ddir, 'authorized'), '1\n');
    symlinkSync(join('..', '..', '..', 'devices', 'usb1', '1-1', d.usbPath), join(sys, 'bus', 'usb', 'devices', d.usbPath));
    for (let i = 0; i < d.interfaces; i++) {
      const idir = join(ddir, `${d.usbPath}:1.${i}`);
      const tty = `ttyUSB${d.firstTty + i}`;
      // usb-serial port dir …/<if>/ttyUSBk, its tty class dir …/ttyUSBk/tty/ttyUSBk with device -> ../.. (as Linux has it)
      const classDev = join(idir, tty, 'tty', tty);
      mkdirSync(classDev, { recursive: true });
      symlinkSync(join('..', '..'), join(classDev, 'device'));
      writeFileSync(join(idir, 'bInterfaceNumber'), i.toString(16).padStart(2, '0') + '\n');
      symlinkSync(join('..', '..', 'devices', 'usb1', '1-1', d.usbPath, `${d.usbPath}:1.${i}`, tty, 'tty', tty), join(sys, 'class', 'tty', tty));
      if (!existsSync(join(dev, tty))) writeFileSync(join(dev, tty), '');
    }
  }
  // a non-USB tty that must be ignored
  mkdirSync(join(sys, 'class', 'tty', 'ttyS0'), { recursive: true });
  for (const f of readdirSync(dev)) if (!devices.some((d) => f.startsWith('ttyUSB') && Number(f.slice(6)) >= d.firstTty && Number(f.slice(6)) < d.firstTty + d.interfaces)) rmSync(join(dev, f));
  return { sys, dev };
}
