/**
 * The gateway host's network interfaces as the device page shows them (the manual's §4.2 "network
 * configuration" pages show the LAN and PC ports' addresses). cellgate shows the interfaces; it does
 * not configure them: on a Linux appliance DHCP, fixed addresses and PPPoE are the operating system's
 * (systemd-networkd, NetworkManager, ifupdown), and a web form that rewrites them could cut the
 * operator off the box.
 */
/** What the view reads of one of `os.networkInterfaces()`'s entries (so the web UI can share these types). */
export interface HostAddress {
  address: string;
  family: string;
  internal: boolean;
  mac: string;
  cidr: string | null;
}

export interface NetworkAddressView {
  family: 'IPv4' | 'IPv6';
  /** The address with its prefix length, e.g. "192.168.8.1/24". */
  cidr: string;
}

export interface NetworkInterfaceView {
  name: string;
  /** Null when the interface has none (tunnels, PPP). */
  mac: string | null;
  addresses: NetworkAddressView[];
}

const NO_MAC = '00:00:00:00:00:00';

/** The external interfaces (loopback left out), by name, each address with its prefix; IPv4 first. */
export function networkView(interfaces: Readonly<Record<string, readonly HostAddress[] | undefined>>): NetworkInterfaceView[] {
  const out: NetworkInterfaceView[] = [];
  for (const name of Object.keys(interfaces).sort()) {
    const infos = (interfaces[name] ?? []).filter((a) => !a.internal);
    if (infos.length === 0) continue;
    const mac = infos.find((a) => a.mac && a.mac !== NO_MAC)?.mac ?? null;
    const addresses = infos
      .map((a): NetworkAddressView => ({ family: a.family === 'IPv6' ? 'IPv6' : 'IPv4', cidr: a.cidr ?? a.address }))
      .sort((x, y) => (x.family === y.family ? 0 : x.family === 'IPv4' ? -1 : 1));
    out.push({ name, mac, addresses });
  }
  return out;
}
