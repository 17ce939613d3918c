/**
 * The layer rules (docs/decisions/0013-layer-rules.md) hold for every source file under src/ and
 * modem-drivers/. First the checker is shown to flag what it must and to pass what it must not, on
 * small made-up files; then it runs over the repository.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLayerRules, formatViolation, resolveSpecifier, type RuleName, type SourceFile } from './layer-rules.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

function sourceFiles(): SourceFile[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
    );
  return ['src', 'modem-drivers'].flatMap((top) =>
    walk(join(repoRoot, top)).map((abs) => ({ path: relative(repoRoot, abs).split(sep).join('/'), text: readFileSync(abs, 'utf8') })),
  );
}

const rulesOf = (files: SourceFile[]): string[] => checkLayerRules(files).map((v) => `${v.file} ${v.rule}`);
const one = (path: string, text: string) => rulesOf([{ path, text }]);
const flagged = (path: string, text: string, rule: RuleName) => assert.deepEqual(one(path, text), [`${path} ${rule}`], `${path}: ${text}`);
const clean = (path: string, text: string) => assert.deepEqual(one(path, text), [], `${path}: ${text}`);

test('specifiers resolve against the importing file', () => {
  assert.equal(resolveSpecifier('src/line/line.ts', '../../modem-drivers/simulator/simulator.js'), 'modem-drivers/simulator/simulator.ts');
  assert.equal(resolveSpecifier('modem-drivers/simulator/modem/outcome.ts', '../../generic/error-codes.js'), 'modem-drivers/generic/error-codes.ts');
  assert.equal(resolveSpecifier('src/config/schema.ts', 'zod'), null);
  assert.equal(resolveSpecifier('src/config/schema.ts', 'node:fs'), null);
});

test('self-check: the checker flags each kind of violation', () => {
  flagged('modem-drivers/simulator/modem/outcome.ts', "import { cmeErrorText } from '../../generic/error-codes.js';", 'simulator-independent');
  flagged('modem-drivers/simulator/simulator.ts', "import type { Family } from '../types.js';", 'simulator-independent');
  flagged('modem-drivers/simulator/x.ts', "export { Line } from '../../src/line/line.js';", 'simulator-independent');
  flagged('modem-drivers/simulator/x.ts', "const m = await import('../sim-switch/index.js');", 'simulator-independent');
  flagged('src/line/x.ts', "import type { SimulatedModem } from '../../modem-drivers/simulator/modem/simulated-modem.js';", 'line-without-simulator');
  flagged('src/line/x.ts', "type M = import('../../modem-drivers/simulator/simulator.js').Simulator;", 'line-without-simulator');
  flagged('src/config/schema.ts', "import {\n  DUAL_SIM_FAMILIES,\n  type DualSimFamily,\n} from '../../modem-drivers/sim-switch/dual-sim-commands.js';", 'config-store-without-drivers');
  flagged('src/store/db.ts', "import '../../modem-drivers/index.js';", 'config-store-without-drivers');
  flagged('src/line/x.ts', "if (family === 'quectel') start();", 'family-comparison');
  flagged('src/sms/x.ts', "const plain = 'generic' !== modem.family;", 'family-comparison');
  flagged('modem-drivers/detect.ts', "switch (f) {\n  case 'simcom':\n    return 1;\n}", 'family-comparison');
  flagged('modem-drivers/quectel-like/x.ts', "if (f == 'quectel') {}", 'family-comparison');
  flagged('src/web/x.ts', "import { AtChannel } from '../at/channel.js';", 'at-channel');
  flagged('src/sms/x.ts', "import type { AtChannelApi } from '../at/channel.js';", 'at-channel');
  flagged('src/app.ts', "import { AtChannel as Channel } from './line/index.js';", 'at-channel');
});

test('self-check: the checker passes what the rules allow', () => {
  clean('modem-drivers/simulator/modem/x.ts', "import { bytesToHex } from '../../../src/gsm/index.js';\nimport type { Clock } from '../types.js';");
  clean('modem-drivers/simulator/x.ts', "import { Simulator } from './simulator.js';\nimport type { Logger } from '../../src/util/log.js';");
  clean('src/line/x.ts', "import { openModem } from '../../modem-drivers/modem.js';");
  clean('src/config/x.ts', "import { atCommandTextProblem } from '../at/command-text.js';\n// import x from '../../modem-drivers/a.js'");
  clean('src/config/x.ts', "const s = \"import x from '../../modem-drivers/a.js'\";");
  clean('src/config/schema-lines.ts', "export const MODEM_FAMILIES = ['auto', 'generic', 'quectel', 'simcom'] as const;");
  clean('src/line/x.ts', "const table = { quectel: 'quectel', simcom: 'simcom' };\nconst d = dialect === 'quectel-ec25';");
  clean('src/line/x.ts', "// if (family === 'quectel') — a comment is not a comparison\nconst why = \"family === 'quectel'\";");
  clean('modem-drivers/quectel/x.ts', "if (family === 'quectel') {}\nswitch (f) { case 'generic': break; }");
  clean('modem-drivers/generic/x.ts', "import { AtChannel } from '../../src/at/channel.js';");
  clean('src/line/line-manager.ts', "import { AtChannel } from '../at/channel.js';");
  clean('src/sms/x.ts', "import type { AtChannelApi } from '../at/types.js';");
  clean('src/app.ts', "import { startDaemon } from './daemon.js';");
});

test('the repository keeps the layer rules', () => {
  const files = sourceFiles();
  assert.ok(files.length > 100, `found only ${files.length} source files`);
  const violations = checkLayerRules(files).map(formatViolation);
  assert.deepEqual(violations, [], `layer rules broken (docs/decisions/0013-layer-rules.md):\n${violations.join('\n')}`);
});
