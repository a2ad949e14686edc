import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/**
 * The architecture as rules over import statements. The tree is the architecture: `src/core/` runs
 * everywhere and imports no adapter, no orchestrator and no cloud or engine SDK; each folder under
 * `src/adapters/` is one adapter and imports no other; the orchestrators (`src/cli/` locally,
 * `lambdas/` in AWS) wire core and adapters and never each other; `infra/` learns facts (layout,
 * sources, environment names) from the core's fact modules only.
 */

export interface SourceFile {
  /** Repository-relative path with `/` separators. */
  path: string;
  text: string;
}

export interface Violation {
  file: string;
  imports: string;
  rule: string;
}

const SPECIFIER =
  /(?:^|\n)\s*(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

/** Every module a file imports: repository paths for relative specifiers, package names otherwise. */
export function importsOf(file: SourceFile): string[] {
  const out: string[] = [];
  for (const m of file.text.matchAll(SPECIFIER)) {
    const spec = m[1] ?? m[2] ?? m[3];
    out.push(
      spec.startsWith('.')
        ? normalize(join(dirname(file.path), spec))
            .split('\\')
            .join('/')
        : spec,
    );
  }
  return out;
}

/** Packages only an adapter or the infrastructure may use: cloud SDKs, the native engine, CDK. */
const EDGE_PACKAGES = /^(@aws-sdk\/|@aws-lambda-powertools\/|@duckdb\/|aws-cdk-lib|constructs$|cdk-nag)/;
/** Core areas that are steps of their own: each may use the shared core, not another step's internals. */
const CORE_STEPS = ['ingest', 'metrics', 'report', 'analyst'];
/** What the CDK app may take from the core: facts, never step code. */
const INFRA_FACTS = [
  'src/core/errors.ts',
  'src/core/env.ts',
  'src/core/sources.ts',
  'src/core/lake/layout.ts',
  'src/core/report/csp.ts',
  'src/core/sql/saved-query.ts',
  'src/core/world-trade-files.ts',
  // The operator metrics' names: the handlers emit them, the stack alarms on them and draws them.
  'src/core/operator-metrics.ts',
];

const area = (path: string): string | undefined => {
  const adapter = /^src\/adapters\/([^/]+)\//.exec(path);
  if (adapter) return `adapter:${adapter[1]}`;
  if (path.startsWith('src/adapters/')) return 'adapter-shared';
  for (const a of ['src/core/', 'src/cli/', 'lambdas/', 'infra/', 'data-schemas/']) if (path.startsWith(a)) return a;
  return undefined;
};
const coreStep = (path: string): string | undefined => /^src\/core\/([^/]+)\//.exec(path)?.[1];

export function violationsOf(files: readonly SourceFile[]): Violation[] {
  const out: Violation[] = [];
  for (const file of files) {
    const from = area(file.path);
    if (!from) continue;
    for (const target of importsOf(file)) {
      const to = area(target);
      const flag = (rule: string) => out.push({ file: file.path, imports: target, rule });
      if (from === 'src/core/') {
        if (EDGE_PACKAGES.test(target)) flag('the core imports no cloud SDK, native engine or CDK package');
        if (to && to !== 'src/core/' && to !== 'data-schemas/')
          flag('the core imports no adapter, orchestrator or infrastructure');
        const a = coreStep(file.path);
        const b = coreStep(target);
        if (to === 'src/core/' && a !== b && CORE_STEPS.includes(a!) && CORE_STEPS.includes(b!)) {
          flag(`core/${a} does not reach into core/${b}: shared facts live in core/lake, core/sql or the core's root`);
        }
      } else if (from.startsWith('adapter')) {
        if (to?.startsWith('adapter:') && to !== from) flag('an adapter imports no other adapter');
        if (to === 'src/cli/' || to === 'lambdas/' || to === 'infra/')
          flag('an adapter imports no orchestrator or infrastructure');
      } else if (from === 'src/cli/' && to === 'lambdas/') {
        flag('the local orchestrator does not import the AWS handlers');
      } else if (from === 'lambdas/' && (to === 'src/cli/' || to === 'infra/')) {
        flag('a handler imports neither the CLI nor the infrastructure');
      } else if (
        from === 'infra/' &&
        to &&
        to !== 'infra/' &&
        to !== 'data-schemas/' &&
        !INFRA_FACTS.includes(target)
      ) {
        flag(`infra takes only facts from the core (${INFRA_FACTS.join(', ')})`);
      } else if (from === 'data-schemas/' && to && to !== 'data-schemas/') {
        flag('the schemas import nothing of the code');
      }
    }
  }
  return out;
}

/** Every TypeScript/JavaScript file of the product (not tests, benchmarks or dependencies). */
export function productFiles(root: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path);
      else if (/\.(ts|js|mjs)$/.test(e.name)) out.push({ path, text: readFileSync(join(root, path), 'utf8') });
    }
  };
  for (const dir of ['src', 'lambdas', 'infra', 'data-schemas']) walk(dir);
  return out;
}
