/**
 * The GNSS sentences an EC25 writes on its USB NMEA interface once a second while AT+QGPSCFG="outport"
 * is "usbnmea" (Quectel GNSS AT Commands Manual, AT+QGPSCFG "outport"). That interface is also the
 * one AT+QPCMV=1,0 puts call audio on, so a host that forgets `AT+QGPSCFG="outport","none"` reads NMEA
 * text in its PCM. The simulated receiver has no fix: the sentences say so (NMEA 0183 RMC status V,
 * GGA quality 0).
 */

/** NMEA 0183 checksum: XOR of every character between `$` and `*`, two upper-case hex digits. */
export function nmeaChecksum(body: string): string {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i) & 0xff;
  return x.toString(16).toUpperCase().padStart(2, '0');
}

export function nmeaSentence(body: string): string {
  return `$${body}*${nmeaChecksum(body)}\r\n`;
}

/** One second's burst of no-fix sentences at UTC time `ms`. */
export function nmeaBurst(ms: number): string {
  const d = new Date(ms);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const hhmmss = `${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}${p2(d.getUTCSeconds())}.00`;
  const ddmmyy = `${p2(d.getUTCDate())}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCFullYear() % 100)}`;
  return [`GPRMC,${hhmmss},V,,,,,,,${ddmmyy},,,N`, `GPGGA,${hhmmss},,,,,0,,,,,,,,`, 'GPGSA,A,1,,,,,,,,,,,,,,,', 'GPVTG,,T,,M,,N,,K,N'].map(nmeaSentence).join('');
}
