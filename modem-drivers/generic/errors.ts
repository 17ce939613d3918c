/**
 * Errors a driver raises besides the channel's own (AtTimeoutError, AtClosedError): a refused command with
 * its error code explained, a reply that could not be understood, an argument rejected before anything
 * was sent, and a capability the family does not have.
 */
import { AtCommandError, type FinalResult } from '../../src/at/types.js';
import { describeFinal } from './error-codes.js';

/** A command ended with something other than OK; the message explains +CME/+CMS codes. */
export class ModemCommandError extends AtCommandError {
  constructor(cmd: string, final: FinalResult, lines: string[] = []) {
    super(cmd, final, lines);
    this.name = 'ModemCommandError';
    this.message = `${cmd}: ${describeFinal(final)}`;
  }
}

/** The modem answered OK but the information lines did not say what the command should report. */
export class ModemResponseError extends Error {
  constructor(readonly cmd: string, detail: string, readonly lines: readonly string[] = []) {
    super(`${cmd}: ${detail}`);
    this.name = 'ModemResponseError';
  }
}

/** An argument was refused before any command was sent (bad number, PIN, PDU, ...). */
export class InvalidArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidArgumentError';
  }
}
