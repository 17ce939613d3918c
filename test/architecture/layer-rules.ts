/**
 * The layer rules of docs/decisions/0013-layer-rules.md as a checker over source texts (pure: it is
 * given paths and texts, it reads nothing). Files are parsed with the TypeScript compiler's parser, so
 * comments and strings never look like imports or comparisons.
 *
 * Rules (paths are relative to the repository root, with forward slashes):
 *  - simulator-independent: nothing under modem-drivers/simulator/ imports another modem-drivers/
 *    folder or src/line/ (a simulator that shares the drivers' beliefs cannot catch their mistakes);
 *  - line-without-simulator: nothing under src/line/ imports modem-drivers/simulator/;
 *  - config-store-without-drivers: nothing under src/config/ or src/store/ imports modem-drivers/;
 *  - family-comparison: outside modem-drivers/<family>/ (generic, quectel, simcom) no code compares a
 *    value with a family name ('generic', 'quectel', 'simcom') or switches on one (`case 'quectel':`);
 *    a list of names is not a comparison;
 *  - at-channel: outside modem-drivers/ and src/line/ nothing imports the AT channel (src/at/channel.ts,
 *    or the AtChannel class from any module).
 */
import ts from 'typescript';
import path from 'node:path';

export const FAMILY_NAMES: readonly string[] = ['generic', 'quectel', 'simcom'];
export const FAMILY_FOLDERS: readonly string[] = FAMILY_NAMES.map((f) => `modem-drivers/${f}/`);
const AT_CHANNEL_FILE = 'src/at/channel.ts';

export type RuleName = 'simulator-independent' | 'line-without-simulator' | 'config-store-without-drivers' | 'family-comparison' | 'at-channel';

export interface SourceFile {
  /** Repository-relative path with forward slashes, e.g. 'src/line/line.ts'. */
  path: string;
  text: string;
}

export interface Violation {
  rule: RuleName;
  file: string;
  line: number;
  /** What was found: the import specifier, or the comparison's text. */
  what: string;
}

export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line} [${v.rule}] ${v.what}`;
}

interface ImportRef {
  specifier: string;
  /** Repository-relative .ts path for a relative specifier; null for a package or node: import. */
  target: string | null;
  names: string[];
  line: number;
}

/** `./x.js` from `src/line/a.ts` → `src/line/x.ts`; packages → null. */
export function resolveSpecifier(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return joined.replace(/\.js$/, '.ts');
}

function lineOf(sf: ts.SourceFile, node: ts.Node): number {
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

function importsOf(file: SourceFile, sf: ts.SourceFile): ImportRef[] {
  const out: ImportRef[] = [];
  const add = (spec: ts.Expression | undefined, names: string[], node: ts.Node) => {
    if (!spec || !ts.isStringLiteralLike(spec)) return;
    out.push({ specifier: spec.text, target: resolveSpecifier(file.path, spec.text), names, line: lineOf(sf, node) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const names: string[] = [];
      const clause = node.importClause;
      if (clause?.name) names.push(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) names.push((el.propertyName ?? el.name).text);
      add(node.moduleSpecifier, names, node);
    } else if (ts.isExportDeclaration(node)) {
      const names: string[] = [];
      if (node.exportClause && ts.isNamedExports(node.exportClause)) for (const el of node.exportClause.elements) names.push((el.propertyName ?? el.name).text);
      add(node.moduleSpecifier, names, node);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], [], node);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal as ts.Expression, [], node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

function isFamilyName(node: ts.Node): node is ts.StringLiteralLike {
  return ts.isStringLiteralLike(node) && FAMILY_NAMES.includes(node.text);
}

function familyComparisonsOf(sf: ts.SourceFile): { line: number; what: string }[] {
  const out: { line: number; what: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && EQUALITY.has(node.operatorToken.kind) && (isFamilyName(node.left) || isFamilyName(node.right))) {
      out.push({ line: lineOf(sf, node), what: `compares with a family name: ${node.getText(sf)}` });
    } else if (ts.isCaseClause(node) && isFamilyName(node.expression)) {
      out.push({ line: lineOf(sf, node), what: `switches on a family name: case ${node.expression.getText(sf)}` });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const under = (file: string, folder: string) => file.startsWith(folder);

/** Every violation of the layer rules in the given files. */
export function checkLayerRules(files: readonly SourceFile[]): Violation[] {
  const out: Violation[] = [];
  for (const file of files) {
    const sf = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const p = file.path;
    for (const imp of importsOf(file, sf)) {
      const t = imp.target;
      const report = (rule: RuleName, why: string) => out.push({ rule, file: p, line: imp.line, what: `imports '${imp.specifier}' (${why})` });
      if (t !== null && under(p, 'modem-drivers/simulator/')) {
        if (under(t, 'modem-drivers/') && !under(t, 'modem-drivers/simulator/')) report('simulator-independent', 'another modem-drivers folder');
        if (under(t, 'src/line/')) report('simulator-independent', 'src/line');
      }
      if (t !== null && under(p, 'src/line/') && under(t, 'modem-drivers/simulator/')) report('line-without-simulator', 'the simulator');
      if (t !== null && (under(p, 'src/config/') || under(p, 'src/store/')) && under(t, 'modem-drivers/')) {
        report('config-store-without-drivers', 'the modem drivers');
      }
      if (!under(p, 'modem-drivers/') && !under(p, 'src/line/')) {
        if (t === AT_CHANNEL_FILE) report('at-channel', 'the AT channel');
        else if (imp.names.includes('AtChannel')) report('at-channel', 'the AtChannel class');
      }
    }
    if (!FAMILY_FOLDERS.some((f) => under(p, f))) {
      for (const c of familyComparisonsOf(sf)) out.push({ rule: 'family-comparison', file: p, line: c.line, what: c.what });
    }
  }
  return out;
}
