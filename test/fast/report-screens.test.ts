/**
 * The dependency screen, the world-supply, mirror-gap and monthly panels on the bundled data: the
 * pipeline runs (ingest → DuckDB metrics → report) and each page's figures are compared with a direct
 * DuckDB query of the metric table they come from, so the rows the report asked the engine for are
 * the lake's. The known figures of the bundled sources appear where a reader looks for them.
 */
import { scaled } from '../support/slowdown.ts';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { buildSiteFolder } from '../../src/cli/site-folder-build.ts';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import { runMetrics } from '../../src/core/metrics/metrics.ts';
import type { Row } from '../../src/core/seams/query-engine.ts';

let work: string;
let site: string;
let engine: DuckDBQueryEngine;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-report-screens-'));
  const lakeRoot = join(work, 'lake');
  const store = new FolderObjectStore(lakeRoot);
  await runIngest({ store, runId: 'screens-test', dataDir: 'data/bundled' });
  engine = await DuckDBQueryEngine.create({ lakeRoot, store });
  await runMetrics({ engine });
  site = join(work, 'site');
  await buildSiteFolder({ store, outDir: site });
}, scaled(150_000));

afterAll(async () => {
  await engine?.close();
  await rm(work, { recursive: true, force: true });
});

const page = (path: string) => readFile(join(site, path), 'utf8');
const rowsOf = async (sql: string): Promise<Row[]> => (await engine.query(sql)).rows;
/** The exact values a page publishes (`<data value>`), in page order. */
const dataValues = (markup: string): number[] =>
  [...markup.matchAll(/<data value="([^"]+)">/g)].map((m) => Number(m[1]));
/** The markup of one element with an id, up to its closing tag name. */
function sectionOf(markup: string, id: string, tag = 'section'): string {
  const start = markup.indexOf(`id="${id}"`);
  expect(start, `#${id}`).toBeGreaterThan(-1);
  const open = markup.lastIndexOf(`<${tag}`, start);
  return markup.slice(open, markup.indexOf(`</${tag}>`, start) + tag.length + 3);
}

describe('the dependency screen page', () => {
  it('is linked from every page’s navigation', async () => {
    for (const path of ['index.html', 'products/850511.html', 'methodology.html'])
      expect(await page(path)).toMatch(/<a href="(\.\.\/)?screen\.html"[^>]*>Dependency screen<\/a>/);
  });

  it('has a section per framework of screen_frameworks, each with its citation', async () => {
    const markup = await page('screen.html');
    const frameworks = await rowsOf(
      'SELECT framework_id, MIN(source_id) AS source_id FROM screen_frameworks GROUP BY framework_id ORDER BY 1',
    );
    expect(frameworks.length).toBeGreaterThanOrEqual(5);
    for (const f of frameworks) {
      const section = sectionOf(markup, `framework-${f.framework_id}`);
      expect(section).toContain(`#src-${f.source_id}`);
    }
  });

  it('lists the products each framework flags in its last three years, with the verdicts of dependency_screen', async () => {
    const markup = await page('screen.html');
    const flagged = await rowsOf(`
      WITH latest AS (SELECT framework_id, MAX(year) AS y FROM dependency_screen GROUP BY framework_id)
      SELECT d.framework_id, d.hs6, COUNT(*) AS n
      FROM dependency_screen d JOIN latest l ON l.framework_id = d.framework_id
      WHERE d.verdict = 'flagged' AND d.year BETWEEN l.y - 2 AND l.y
      GROUP BY d.framework_id, d.hs6 ORDER BY 1, 2`);
    expect(flagged.length).toBeGreaterThan(3);
    for (const f of flagged) {
      const section = sectionOf(markup, `framework-${f.framework_id}`);
      const row = section.slice(section.indexOf(`products/${f.hs6}.html`));
      const cells = row.slice(0, row.indexOf('</tr>'));
      expect([...cells.matchAll(/flag-flagged/g)].length, `${f.framework_id} ${f.hs6}`).toBe(Number(f.n));
    }
    // A framework no product meets in full lists none as flagged.
    const ec = sectionOf(markup, 'framework-EC_2021');
    expect(ec).not.toContain('flag-flagged');
  });

  it('says plainly what cannot be computed: EC 2021 criterion 2 for the USA', async () => {
    const ec = sectionOf(await page('screen.html'), 'framework-EC_2021');
    const [{ n, total }] = await rowsOf(`
      SELECT SUM(CASE WHEN status = 'not_computable' THEN 1 ELSE 0 END) AS n, COUNT(*) AS total
      FROM screen_criteria
      WHERE framework_id = 'EC_2021' AND criterion_id = 'c2_extra_bloc_share'
        AND year = (SELECT MAX(year) FROM screen_criteria WHERE framework_id = 'EC_2021')`);
    expect(Number(n)).toBe(Number(total));
    expect(ec).toContain(`c2_extra_bloc_share</span>: not computable for ${n} of ${total} products`);
    expect(ec).toContain('a single country has no intra-bloc imports');
  });

  it('shows persistence and the churn table of screen_churn', async () => {
    const crma = sectionOf(await page('screen.html'), 'framework-CRMA_65');
    const churn = await rowsOf(
      "SELECT year, n_flagged, n_persistent, n_entered, n_exited FROM screen_churn WHERE framework_id = 'CRMA_65' ORDER BY year",
    );
    for (const c of churn)
      expect(crma).toContain(
        `<tr><td>${c.year}</td><td class="num">${c.n_flagged}</td><td class="num">${c.n_persistent}</td><td class="num">${c.n_entered}</td><td class="num">${c.n_exited}</td>`,
      );
    const [p] = await rowsOf(`
      SELECT flagged_years FROM screen_persistence
      WHERE framework_id = 'CRMA_65' AND hs6 = '850511' AND year = (SELECT MAX(year) FROM screen_persistence WHERE framework_id = 'CRMA_65')`);
    expect(crma).toContain(`flagged ${p.flagged_years} of the last 3 years`);
    expect(dataValues(crma).length).toBeGreaterThan(0);
  });
});
