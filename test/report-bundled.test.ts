/**
 * The whole pipeline on the bundled data (ingest → DuckDB metrics → report), checked the way an
 * analyst would: recompute HHI, CR1 and the China share of every product from the bundled CSV and
 * compare with the figures on its page; read the seed article's chip figures from the bundled
 * capacity file and find them, with their sources, on the overview.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIngest } from '../lambdas/ingest/ingest.ts';
import { runMetrics } from '../lambdas/metrics/metrics.ts';
import { buildSite, type BuildSummary } from '../reports/build-site.ts';
import { DuckDBQueryEngine } from '../src/engine/duckdb-engine.ts';
import { FolderObjectStore } from '../src/store/folder-store.ts';
import { parseCsv } from './fixtures/report/read-csv.ts';

const BUNDLED = 'data/bundled';
let work: string;
let site: string;
let summary: BuildSummary;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-report-bundled-'));
  const lakeRoot = join(work, 'lake');
  const store = new FolderObjectStore(lakeRoot);
  await runIngest({ store, runId: 'report-test', dataDir: BUNDLED });
  const engine = await DuckDBQueryEngine.create({ lakeRoot, store });
  try {
    await runMetrics({ engine });
  } finally {
    await engine.close();
  }
  site = join(work, 'site');
  summary = await buildSite({ store, outDir: site });
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('report site on the bundled data', () => {
  it('has one page per bundled HS6 product, HHI, CR1 and China share equal to a recomputation from the bundled CSV', async () => {
    const rows = parseCsv(await readFile(join(BUNDLED, 'us_imports_by_partner_hs6.csv'), 'utf8')).filter((r) => r.is_aggregate_partner === 'f');
    const products = [...new Set(rows.map((r) => r.canonical_product_id))].sort();
    const pages = (await readdir(join(site, 'products'))).filter((f) => f !== 'index.html').sort();
    expect(pages).toEqual(products.map((p) => `${p}.html`));
    expect(summary.pages).toBe(products.length + 7); // overview, four sectors, product index, sources

    for (const hs6 of products) {
      const mine = rows.filter((r) => r.canonical_product_id === hs6);
      const year = String(Math.max(...mine.map((r) => Number(r.year))));
      const cell = mine.filter((r) => r.year === year).map((r) => ({ iso3: r.partner_iso3, value: Number(r.import_value_usd) })).filter((c) => c.value > 0);
      const total = cell.reduce((s, c) => s + c.value, 0);
      const expected = {
        hhi: cell.reduce((s, c) => s + (c.value / total) ** 2, 0),
        cr1: Math.max(...cell.map((c) => c.value)) / total,
        china_share: (cell.find((c) => c.iso3 === 'CHN')?.value ?? 0) / total,
        n_suppliers: cell.length,
      };
      const page = await readFile(join(site, 'products', `${hs6}.html`), 'utf8');
      expect(page).toContain(`Key figures, ${year}`);
      for (const [metric, value] of Object.entries(expected)) {
        const shown = new RegExp(`data-metric="${metric}"><data value="([^"]+)">`).exec(page);
        expect(shown, `${hs6} ${metric}`).not.toBeNull();
        expect(Number(shown![1]), `${hs6} ${metric}`).toBeCloseTo(value, 9);
      }
    }
  });

  it('shows the seed article’s chip figures as the bundled capacity file has them, with source and year', async () => {
    const capacity = parseCsv(await readFile(join(BUNDLED, 'semiconductor_fab_capacity_share.csv'), 'utf8'));
    const us = capacity
      .filter((r) => r.indicator === 'fab_capacity_share' && r.geo === 'USA' && r.source_id === 'BCG_2020_WEB')
      .sort((a, b) => Number(a.year) - Number(b.year));
    const taiwan = capacity.find((r) => r.indicator === 'wafer_capacity_share_icinsights' && r.geo === 'TWN' && r.source_id === 'DIGITIMES_2020')!;
    const index = await readFile(join(site, 'index.html'), 'utf8');
    const card = (id: string) => new RegExp(`<article class="card" id="headline-${id}">([\\s\\S]*?)</article>`).exec(index)![1];
    const usCard = card('us-fab-capacity');
    for (const r of [us[0], us.at(-1)!]) expect(usCard).toContain(`<data value="${Number(r.value)}">${r.value}%</data></strong> <span class="when">${r.year}</span>`);
    expect(usCard).toContain('#src-BCG_2020_WEB');
    const twCard = card('taiwan-wafer-capacity');
    expect(twCard).toContain(`<data value="${Number(taiwan.value)}">≈${taiwan.value}%</data></strong> <span class="when">Dec 2019</span>`);
    expect(twCard).toContain('#src-DIGITIMES_2020');
  });
});
