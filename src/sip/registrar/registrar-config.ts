/**
 * The configuration's `sip.registrar` (src/config/schema-sip.ts) as the registrar's extension
 * definitions, and the views the API and the forking step read from it. Pure.
 */
import type { SipConfig } from '../../config/schema-sip.js';
import type { ExtensionDefinition } from './extension-config.js';

export type RegistrarConfig = SipConfig['registrar'];
export type ExtensionConfig = RegistrarConfig['extensions'][number];

/** `number`, `prefix`, `group`, `password` and `maxContacts` as the registrar takes them. */
export function extensionDefinitionOf(extension: ExtensionConfig): ExtensionDefinition {
  return { number: extension.number, prefix: extension.prefix, group: extension.group, secret: { password: extension.password }, maxContacts: extension.maxContacts };
}

/** The registrar groups whose incoming GSM calls ring on `line`. */
export function groupsForLine(config: RegistrarConfig, line: number): string[] {
  return config.groups.filter((g) => g.lines.includes(line)).map((g) => g.name);
}

/** Lines an extension may dial out through: its own list, else its group's lines, else every line. */
export function linesForExtension(config: RegistrarConfig, extension: ExtensionConfig): readonly number[] | 'all' {
  if (extension.lines !== undefined) return extension.lines;
  return config.groups.find((g) => g.name === extension.group)?.lines ?? 'all';
}
