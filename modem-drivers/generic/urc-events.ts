/**
 * Unsolicited result codes turned into ModemEvents. The family registers its URC prefixes and a chain of
 * handlers (its own first, the generic TS 27.007 / 27.005 handler last); the first handler that takes a
 * line wins, and a line nobody takes becomes an 'unknown' event. Also joins the lines of a multi-line
 * +CUSD back into one URC before any handler sees it.
 */
import type { AtChannelApi, Urc, UrcSpec } from '../../src/at/types.js';
import type { Logger } from '../../src/util/log.js';
import type { ModemEvent } from '../types.js';
import { cusdCloses, cusdIsOpen } from './parse.js';

/** Turns a URC into events; false when the line is not one it understands (or is malformed). */
export type UrcHandler = (urc: Urc) => boolean;

/** Longest silence between the lines of one multi-line +CUSD string, and the most lines it may have. */
const CUSD_CONTINUATION_MS = 1000;
const CUSD_MAX_LINES = 64;

export class ModemEvents {
  private readonly listeners = new Set<(e: ModemEvent) => void>();
  private handlers: readonly UrcHandler[] = [];
  private detachUrc: (() => void) | null = null;
  private readonly cleanups: (() => void)[] = [];
  /**
   * A +CUSD whose quoted <str> spans several lines (see cusdIsOpen): the lines so far, joined with LF,
   * and the timer that delivers them as they are if the closing line never comes.
   */
  private cusdOpen: { text: string; lines: number; timer: NodeJS.Timeout } | null = null;

  constructor(
    private readonly channel: AtChannelApi,
    readonly log: Logger,
  ) {}

  /** Registers the URC prefixes with the channel and starts routing URCs through `handlers`, in order. */
  listen(specs: readonly UrcSpec[], handlers: readonly UrcHandler[]): void {
    for (const spec of specs) this.channel.registerUrc(spec);
    this.handlers = handlers;
    this.detachUrc = this.channel.onUrc((u) => this.deliver(u));
  }

  onEvent(listener: (e: ModemEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(e: ModemEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log.error({ err, event: e.type }, 'modem event listener threw');
      }
    }
  }

  /** Runs `fn` when the modem is disposed (timers and waits of the family's capabilities). */
  onDispose(fn: () => void): void {
    this.cleanups.push(fn);
  }

  /** Stops turning URCs into events (the channel stays open). */
  dispose(): void {
    for (const fn of this.cleanups.splice(0)) fn();
    if (this.cusdOpen) clearTimeout(this.cusdOpen.timer);
    this.cusdOpen = null;
    this.detachUrc?.();
    this.detachUrc = null;
    this.listeners.clear();
  }

  /** Routes one URC (also a URC found among a command's reply lines). */
  deliver(urc: Urc): void {
    const joined = this.joinCusd(urc);
    if (joined) this.route(joined);
  }

  private route(urc: Urc): void {
    let handled = false;
    try {
      handled = this.handlers.some((h) => h(urc));
    } catch (err) {
      this.log.error({ err, urc: urc.line }, 'URC handler threw');
    }
    if (!handled) {
      this.log.debug({ urc: urc.line }, 'unhandled URC');
      this.emit({ type: 'unknown', line: urc.line });
    }
  }

  /**
   * Joins the lines of a multi-line +CUSD (TS 27.007 §7.15 <str> holding line breaks) back into one URC.
   * Returns the URC to handle now, or null while more lines of an open <str> are expected. Every line
   * after an open +CUSD belongs to its string until one closes it (a modem writes the whole result code
   * at once); a new +CUSD, too many lines, or CUSD_CONTINUATION_MS of silence delivers what came.
   */
  private joinCusd(urc: Urc): Urc | null {
    const open = this.cusdOpen;
    if (open) {
      if (urc.line.trimStart().startsWith('+CUSD:')) {
        this.flushCusd();
        return this.joinCusd(urc);
      }
      open.text += '\n' + urc.line;
      open.lines++;
      if (!cusdCloses(urc.line) && open.lines < CUSD_MAX_LINES) return null;
      clearTimeout(open.timer);
      this.cusdOpen = null;
      return { line: open.text, known: true };
    }
    const line = urc.line.trim();
    if (!cusdIsOpen(line)) return urc;
    const timer = setTimeout(() => this.flushCusd(), CUSD_CONTINUATION_MS);
    timer.unref?.();
    this.cusdOpen = { text: line, lines: 1, timer };
    return null;
  }

  /** Delivers an open +CUSD as it is (parseCusd keeps an unterminated string). */
  private flushCusd(): void {
    const open = this.cusdOpen;
    if (!open) return;
    clearTimeout(open.timer);
    this.cusdOpen = null;
    this.log.debug({ lines: open.lines }, '+CUSD string not closed; delivering what came');
    this.route({ line: open.text, known: true });
  }
}
