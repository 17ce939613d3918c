/**
 * axe-core run inside the page (injected from node_modules, no network): the violations of impact
 * serious or critical, which the acceptance criteria do not allow on any page.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  /** CSS selectors of the offending nodes. */
  targets: string[];
}

export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // These functions run in the page (the Node code is compiled without DOM types, hence `any`).
  const loaded = () => page.evaluate(() => typeof (globalThis as any).axe !== 'undefined');
  // Evaluated through the DevTools protocol rather than added as an inline <script>: the UI's
  // Content-Security-Policy (no inline script) would block the tag and log a violation.
  if (!(await loaded())) await page.evaluate(axeSource);
  if (!(await loaded())) throw new Error('axe-core could not be loaded into the page');
  const found = await page.evaluate(async () => {
    const w = globalThis as any;
    const r = await w.axe.run(w.document, { resultTypes: ['violations'] });
    return (r.violations as any[]).map((v): AxeViolation => ({ id: v.id, impact: v.impact || 'unknown', help: v.help, targets: (v.nodes as any[]).map((n) => n.target.join(' ')) }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function describeViolations(where: string, found: AxeViolation[]): string {
  return `${where}: ${found.length} serious/critical accessibility violation(s)\n` + found.map((v) => `  ${v.impact} ${v.id}: ${v.help} at ${v.targets.slice(0, 5).join(', ')}`).join('\n');
}
