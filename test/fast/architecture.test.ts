import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, productFiles, violationsOf } from '../support/dependency-rules.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the tree is the architecture', () => {
  it('keeps every dependency rule: core imports no adapter or SDK, adapters no other adapter, infra only facts', () => {
    const files = productFiles(ROOT);
    expect(files.length).toBeGreaterThan(100);
    expect(violationsOf(files)).toEqual([]);
  });

  it('reports a planted violation of each rule', () => {
    const planted = [
      { path: 'src/core/report/x.ts', text: "import { S3Client } from '@aws-sdk/client-s3';" },
      {
        path: 'src/core/metrics/x.ts',
        text: "import { DuckDBQueryEngine } from '../../adapters/duckdb-engine/duckdb-engine.ts';",
      },
      { path: 'src/core/report/y.ts', text: "import type { IngestSource } from '../ingest/source.ts';" },
      {
        path: 'src/adapters/s3-store/x.ts',
        text: "import { FolderObjectStore } from '../folder-store/folder-store.ts';",
      },
      { path: 'src/adapters/shared.ts', text: "import { S3ObjectStore } from './s3-store/s3-store.ts';" },
      { path: 'lambdas/x.ts', text: "const { main } = await import('../src/cli/main.ts');" },
      { path: 'infra/x.ts', text: "export { runIngest } from '../src/core/ingest/ingest.ts';" },
      { path: 'data-schemas/x.ts', text: "import '../src/core/errors.ts';" },
    ];
    expect(violationsOf(planted).map((v) => v.file)).toEqual(planted.map((p) => p.path));
    // Allowed: the shared core, the adapter's own files, facts for infra, an orchestrator wiring both.
    const allowed = [
      { path: 'src/core/report/z.ts', text: "import { lakePrefix } from '../lake/layout.ts';" },
      { path: 'src/adapters/s3-store/y.ts', text: "import { S3ObjectStore } from './s3-store.ts';" },
      { path: 'src/adapters/athena-engine/x.ts', text: "import { awsErrorHint } from '../aws-error-hint.ts';" },
      { path: 'infra/y.ts', text: "import { lakePrefix } from '../src/core/lake/layout.ts';" },
      { path: 'src/cli/x.ts', text: "import { S3ObjectStore } from '../adapters/s3-store/s3-store.ts';" },
    ];
    expect(violationsOf(allowed)).toEqual([]);
  });

  it('reads static, re-exported, side-effect and dynamic imports', () => {
    const text = [
      "import a from './a.ts';",
      "import type { B } from '../b.ts';",
      "export { c } from './c.ts';",
      "import './d.ts';",
      "const e = await import('./e.ts');",
    ].join('\n');
    expect(importsOf({ path: 'src/core/x/f.ts', text })).toEqual([
      'src/core/x/a.ts',
      'src/core/b.ts',
      'src/core/x/c.ts',
      'src/core/x/d.ts',
      'src/core/x/e.ts',
    ]);
  });
});
