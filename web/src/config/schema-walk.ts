/**
 * Every field the generic settings editor can show, found by walking the configuration schema the
 * way the editor does (into objects, lists, records' values and each variant of a union): the label
 * keys the catalogues must have, the variant choices that need a name, and the fields left as JSON
 * text with the reason (the tests keep that list to justified exceptions).
 */
import { kindOf, schemaAt, type SchemaNode } from './schema-info.js';

export interface SchemaWalk {
  /** Label paths (`lines.simSwitch.port`): list indices, record keys and variants left out. */
  labels: string[];
  /** `<label path>.<variant id>` of every union choice. */
  variants: string[];
  /** Fields edited as JSON text, with why they have no form. */
  json: Array<{ path: string; why: string }>;
}

export const CONFIG_SECTIONS = ['device', 'http', 'log', 'modems', 'security', 'policy', 'simulator', 'sms', 'mail', 'smpp', 'ussd', 'calls', 'sip', 'ownNumber', 'lines'];

export function walkSchema(sections: readonly string[] = CONFIG_SECTIONS): SchemaWalk {
  const labels = new Set<string>();
  const variants = new Set<string>();
  const json = new Map<string, string>();
  const visit = (n: SchemaNode | undefined, at: string[], depth: number): void => {
    if (depth > 24) return;
    const k = kindOf(n);
    const here = at.join('.');
    switch (k.kind) {
      case 'object':
        for (const key of k.keys) {
          if (k.fixed.includes(key)) continue;
          labels.add([...at, key].join('.'));
          visit(k.shape[key], [...at, key], depth + 1);
        }
        return;
      case 'list':
        return visit(k.itemNode, at, depth + 1);
      case 'record':
        return visit(k.valueNode, at, depth + 1);
      case 'union':
        for (const v of k.variants) {
          variants.add(`${here}.${v.id}`);
          if (v.shape === 'object' || v.shape === 'leaf') visit(v.node, at, depth + 1);
        }
        return;
      case 'json':
        json.set(here, k.why);
        return;
      default:
        return;
    }
  };
  for (const s of sections) visit(schemaAt([s]), [s], 0);
  for (const s of sections) labels.delete(s);
  return { labels: [...labels].sort(), variants: [...variants].sort(), json: [...json].map(([path, why]) => ({ path, why })) };
}
