/**
 * What the browser tests do beside the browser: the gateway's JSON API with Basic authentication
 * (accounts, policy, test calls, checks), and the simulator's control API (pull or insert a SIM,
 * text a SIM from outside, read what SIMs sent out).
 */
import { chooseOwnPassword } from '../../e2e/helpers/first-password.js';
import type { DemoDaemon } from './demo-daemon.js';

export type Role = 'admin' | 'user' | 'sms';

export interface Account {
  name: string;
  password: string;
  role: Role;
}

export interface ApiAnswer {
  status: number;
  body: any;
}

export class GatewayApi {
  private readonly auth: string;

  constructor(
    private readonly daemon: DemoDaemon,
    user = 'admin',
    password = daemon.adminPassword,
  ) {
    this.auth = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
  }

  async call(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const headers: Record<string, string> = { authorization: this.auth };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(`${this.daemon.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: the text itself
    }
    return { status: r.status, body: parsed };
  }

  async ok(method: string, path: string, body?: unknown): Promise<any> {
    const r = await this.call(method, path, body);
    if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** POST /api/users (docs/api.md): a name of lower-case letters, a password of at least 8 characters. */
  async createAccount(name: string, role: Role): Promise<Account> {
    const given = `${name}-given-by-admin`;
    await this.ok('POST', '/api/users', { name, password: given, role });
    // A password set by an admin must be replaced by its owner before anything else.
    const password = `${name}-browser-test-password`;
    await chooseOwnPassword(this.daemon.url, name, given, password);
    return { name, password, role };
  }
}

/** The simulator's control API (docs/simulator.md): SIM cards in and out of a modem's holders, the numbers it routes, SMS to and from outside numbers. */
export class SimulatorControl {
  constructor(private readonly controlApi: string) {}

  private async post(path: string, body: unknown): Promise<any> {
    const r = await fetch(`${this.controlApi}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = await r.json();
    if (!r.ok) throw new Error(`simulator ${path} → ${r.status} ${JSON.stringify(answer)}`);
    return answer;
  }

  async modem(id: number): Promise<{ slot: string; sims: SimCardInfo[] }> {
    return (await fetch(`${this.controlApi}/modems/${id}`)).json() as Promise<{ slot: string; sims: SimCardInfo[] }>;
  }

  /** Takes the card out of a holder; returns what is needed to put it back. */
  async pullSim(modem: number, slot: string): Promise<SimCardInfo> {
    const card = (await this.modem(modem)).sims.find((s) => s.slot === slot);
    if (!card) throw new Error(`modem ${modem} has no SIM in slot ${slot}`);
    await this.post(`/modems/${modem}/sims/${slot}`, { remove: true });
    return card;
  }

  /** The MSISDN the simulated network routes to a SIM (a card with no stored number has one too). */
  async numberOf(imsi: string): Promise<string> {
    const { sims } = (await (await fetch(`${this.controlApi}/sims`)).json()) as { sims: { imsi: string; number: string }[] };
    const found = sims.find((s) => s.imsi === imsi);
    if (!found) throw new Error(`the simulated network knows no SIM with IMSI ${imsi}`);
    return found.number;
  }

  /** An outside sender texts a SIM (POST /sms). */
  async textSim(from: string, to: string, text: string): Promise<void> {
    await this.post('/sms', { from, to, text });
  }

  /** The SMS that SIMs sent to outside numbers so far (GET /outside/sms). */
  async outsideSms(): Promise<{ from: string; to: string; text: string }[]> {
    return ((await (await fetch(`${this.controlApi}/outside/sms`)).json()) as { messages: { from: string; to: string; text: string }[] }).messages;
  }

  async insertSim(modem: number, card: SimCardInfo): Promise<void> {
    // The simulated IMSI starts with the operator's MCC+MNC (docs/simulator.md, "Identities").
    await this.post(`/modems/${modem}/sims/${card.slot}`, { sim: { iccid: card.iccid, imsi: card.imsi, number: card.number, pin: null, plmn: card.imsi.slice(0, 5) } });
  }
}

export interface SimCardInfo {
  slot: string;
  iccid: string;
  imsi: string;
  number: string | null;
}
