/**
 * `cellgate config check [FILE]`: JSON syntax, duplicate keys, schema validation and, when asked,
 * checks against this machine (device nodes exist and are character devices, external programs
 * exist), all reported in one run. The CLI prints the `output` of `runConfigCheck` and exits with
 * its `code`.
 */
import { constants as fsConstants, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { FieldError } from './errors.js';
import { formatFieldErrors, formatPath } from './errors.js';
import { findDuplicateKeys, formatJsonSyntaxError, parseJsonText, type DuplicateKey } from './json-text.js';
import { configSchema, validateConfig, type Config, type ConfigRule, type LineConfig } from './schema.js';

export interface CheckOptions {
  /** Also check device nodes and programs named by the configuration on this machine. Default false. */
  fsChecks?: boolean;
  /** Rules of the layers above the configuration (the daemon's wiring gives them). */
  rules?: readonly ConfigRule[];
}

export interface CheckResult {
  ok: boolean;
  /** The validated configuration (defaults filled in) when the schema accepted it. */
  config?: Config;
  errors: FieldError[];
}

/**
 * Validates a parsed document; with `fsChecks`, also checks it against this machine. Never throws.
 * Schema errors do not hide the machine checks: when the document as a whole is invalid, every line
 * entry that is valid on its own is still checked against the machine.
 */
export async function checkConfig(doc: unknown, opts: CheckOptions = {}): Promise<CheckResult> {
  const r = validateConfig(doc, opts.rules);
  if (r.ok) {
    const errors = opts.fsChecks ? await environmentErrors(r.value) : [];
    return { ok: errors.length === 0, config: r.value, errors };
  }
  const machine = opts.fsChecks ? await environmentErrorsOfValidLines(doc) : [];
  return { ok: false, errors: [...r.errors, ...machine] };
}

/** Machine checks for the line entries of an invalid document that pass the line schema on their own. */
async function environmentErrorsOfValidLines(doc: unknown): Promise<FieldError[]> {
  const lines = typeof doc === 'object' && doc !== null ? (doc as { lines?: unknown }).lines : undefined;
  if (!Array.isArray(lines)) return [];
  const errors: FieldError[] = [];
  for (const [i, entry] of lines.entries()) {
    const one = configSchema.shape.lines.safeParse([entry]);
    if (one.success) errors.push(...(await lineEnvironmentErrors(one.data[0]!, `lines[${i}]`)));
  }
  return errors;
}

/**
 * Checks of the configuration against this machine, for enabled lines only (a disabled line's modem
 * may well be unplugged): modem and switch-board ports must be character devices, a GPIO chip must
 * exist under /dev and the gpioset tool must be found, a reset command's program must be found and
 * executable.
 */
export async function environmentErrors(cfg: Config): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  for (const [i, line] of cfg.lines.entries()) errors.push(...(await lineEnvironmentErrors(line, `lines[${i}]`)));
  return errors;
}

async function lineEnvironmentErrors(line: LineConfig, at: string): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  if (line.enabled) {
    if (line.port !== undefined) {
      const why = await charDeviceProblem(line.port);
      if (why) errors.push({ path: `${at}.port`, message: why });
    }
    const sw = line.simSwitch;
    if (sw.backend === 'serial') {
      const why = await charDeviceProblem(sw.port);
      if (why) errors.push({ path: `${at}.simSwitch.port`, message: why });
    } else if (sw.backend === 'gpio') {
      // gpioset accepts "gpiochip0", "0" or "/dev/gpiochip0" for the same chip.
      const dev = sw.chip.startsWith('/') ? sw.chip : `/dev/${/^\d+$/.test(sw.chip) ? `gpiochip${sw.chip}` : sw.chip}`;
      const why = await charDeviceProblem(dev);
      if (why) errors.push({ path: `${at}.simSwitch.chip`, message: `${why}: ${dev}` });
      // The gpio switch drives the lines with libgpiod's gpioset tool.
      const tool = await programProblem(sw.gpiosetPath ?? 'gpioset');
      if (tool) errors.push({ path: `${at}.simSwitch.gpiosetPath`, message: sw.gpiosetPath ? tool : `${tool} (install libgpiod's tools or set gpiosetPath)` });
    }
    const program = line.reset.command?.[0];
    if (program !== undefined) {
      const why = await programProblem(program);
      if (why) errors.push({ path: `${at}.reset.command[0]`, message: why });
    }
  }
  return errors;
}

/** `http.port: duplicate key at line 5, column 5 (first at line 3, column 5); only the last one would count` */
export function duplicateKeyError(d: DuplicateKey): FieldError {
  return {
    path: formatPath(d.path),
    message: `duplicate key at line ${d.line}, column ${d.column} (first at line ${d.first.line}, column ${d.first.column}); only the last one would count`,
  };
}

async function charDeviceProblem(p: string): Promise<string | undefined> {
  try {
    const st = await fsp.stat(p);
    return st.isCharacterDevice() ? undefined : 'not a character device';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'no such device';
    return `cannot check it: ${code ?? String(e)}`;
  }
}

async function programProblem(program: string): Promise<string | undefined> {
  const candidates = program.includes('/')
    ? [path.resolve(program)]
    : (process.env.PATH ?? '')
        .split(path.delimiter)
        .filter((d) => d !== '')
        .map((d) => path.join(d, program));
  let sawNonExecutable = false;
  for (const c of candidates) {
    try {
      const st = await fsp.stat(c);
      if (!st.isFile()) continue;
      await fsp.access(c, fsConstants.X_OK);
      return undefined;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EACCES') sawNonExecutable = true;
    }
  }
  if (sawNonExecutable) return `${JSON.stringify(program)} is not executable`;
  return program.includes('/') ? `no such program ${JSON.stringify(program)}` : `no such program ${JSON.stringify(program)} in PATH`;
}

/**
 * Reads and checks a configuration file (with machine checks unless `fsChecks: false`).
 * `code`: 0 valid, 1 invalid (JSON syntax, duplicate keys, schema or machine checks), 2 the file
 * cannot be read. `output`: the lines to print, joined with "\n" (no trailing newline): duplicate
 * keys, then schema errors, then machine checks, e.g.
 *   config.json: 3 errors
 *   http.port: duplicate key at line 4, column 5 (first at line 3, column 5); only the last one would count
 *   http.port: expected an integer from 1 to 65535, got "abc"
 *   lines[0].port: no such device
 */
export async function runConfigCheck(file: string, opts: CheckOptions = { fsChecks: true }): Promise<{ code: number; output: string }> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : (err.code ?? err.message);
    return { code: 2, output: `${file}: cannot read: ${why}` };
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) return { code: 1, output: `${file}:${formatJsonSyntaxError(parsed.error)}` };
  const duplicates = findDuplicateKeys(text).map(duplicateKeyError);
  const r = await checkConfig(parsed.value, { fsChecks: opts.fsChecks ?? true, rules: opts.rules });
  const errors = [...duplicates, ...r.errors];
  if (errors.length > 0) {
    const n = errors.length;
    return { code: 1, output: [`${file}: ${n} error${n === 1 ? '' : 's'}`, ...formatFieldErrors(errors)].join('\n') };
  }
  const lines = r.config!.lines.length;
  return { code: 0, output: `${file}: OK (${lines} line${lines === 1 ? '' : 's'} configured)` };
}
