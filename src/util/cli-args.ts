/**
 * Argument parsing shared by the `cellgate` subcommands: every subcommand answers `--help` / `-h` with
 * its usage (exit status 0), and a bad argument gets the parser's message plus the usage (exit status 2)
 * instead of a stack trace.
 */
import { parseArgs } from 'node:util';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
export type OptionValues = Record<string, string | boolean | undefined>;

export interface ParsedArgs {
  values: OptionValues;
  positionals: string[];
}

/** Exit status of a usage error (as getopt programs use). */
export const USAGE_ERROR = 2;

/** True when the arguments ask for help: `--help` or `-h` before any `--`. */
export function asksForHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/**
 * Parses `args` against `options` (plus `--help`/`-h`). Returns the parsed arguments, or the exit
 * status when it has already answered: usage on stdout for help (0), the problem and the usage on
 * stderr for anything else (2).
 */
export function parseCommandArgs(
  command: string,
  args: readonly string[],
  options: OptionSpec,
  usage: string,
  opts: { allowPositionals?: boolean } = {},
): ParsedArgs | number {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: opts.allowPositionals ?? false,
    }) as ParsedArgs;
  } catch (e) {
    // "--help" wins over any other mistake on the same command line.
    if (asksForHelp(args)) return printUsage(usage);
    return usageError(command, (e as Error).message, usage);
  }
  if (parsed.values.help === true) return printUsage(usage);
  return parsed;
}

export function printUsage(usage: string): number {
  process.stdout.write(usage.endsWith('\n') ? usage : `${usage}\n`);
  return 0;
}

/** Prints `cellgate <command>: <problem>` and the usage to stderr; returns 2. */
export function usageError(command: string, problem: string, usage: string): number {
  process.stderr.write(`cellgate ${command}: ${problem}\n${usage.endsWith('\n') ? usage : `${usage}\n`}`);
  return USAGE_ERROR;
}
