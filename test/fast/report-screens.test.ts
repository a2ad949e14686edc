/**
 * The dependency screen, the world-supply, mirror-gap and monthly panels on the bundled data: the
 * pipeline runs (ingest → DuckDB metrics → report) and each page's figures are compared with a direct
 * DuckDB query of the metric table they come from, so the rows the report asked the engine for are
 * the lake's. The known figures of the bundled sources appear where a reader looks for them.
 */
import { scaled } from '../support/slowdown.ts';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { buildSiteFolder } from '../../src/cli/site-folder-build.ts';
import { bundledBuild } from '../support/bundled-site.ts';
import { copyOfFixture } from '../support/shared-fixture.ts';
import { monthlyAnomaliesChart } from '../../src/core/report/charts/monthly-anomalies.ts';
import { renderChartSvg } from '../../src/core/report/charts/render.ts';
import { CHART_SIZES } from '../../src/core/report/charts/theme.ts';
import type { Row } from '../../src/core/seams/query-engine.ts';

let work: string;
let lake: string;
let site: string;
let engine: DuckDBQueryEngine;

// The bundled lake and site, built once and shared read-only (test/support/bundled-site.ts); the one test
// that builds the next release works on a copy.
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-report-screens-'));
  ({ lake, site } = await bundledBuild());
  engine = await DuckDBQueryEngine.create({ lakeRoot: lake, store: new FolderObjectStore(lake) });
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

describe('the product pages’ world supply, mirror gap and monthly panels', () => {
  it('shows China’s share of world exports of 850511 per year, as world_supply has it (BACI)', async () => {
    const section = sectionOf(await page('products/850511.html'), 'world-supply');
    const world = await rowsOf(
      "SELECT year, china_share FROM world_supply WHERE basis = 'exports' AND product_code = '850511' AND is_chosen ORDER BY year",
    );
    expect(world.length).toBeGreaterThanOrEqual(10);
    const shown = new Map(
      [...section.matchAll(/<tr><td>(\d{4})<\/td><td class="num"><data value="([^"]+)">([^<]+)<\/data>/g)].map((m) => [
        Number(m[1]),
        { value: Number(m[2]), text: m[3] },
      ]),
    );
    for (const w of world)
      expect(shown.get(Number(w.year))?.value, String(w.year)).toBeCloseTo(Number(w.china_share), 12);
    // The provenance cross-check's figures (BACI 850511): 51.2 % in 2018, 62.5 % in 2022, 63.9 % in 2024.
    expect([2018, 2022, 2024].map((y) => shown.get(y)?.text)).toEqual(['51.2%', '62.5%', '63.9%']);
    expect(section).toContain('data-metric="world_china_share"><data value="');
  });

  it('shows the two-sided classification of supply_two_sided beside China’s share of US imports', async () => {
    const section = sectionOf(await page('products/850511.html'), 'world-supply');
    const [t] = await rowsOf(
      "SELECT us_import_hhi, classification FROM supply_two_sided WHERE hs6 = '850511' AND year = 2024",
    );
    const table = section.slice(section.indexOf('<caption>Two-sided view'));
    const row = table.slice(table.indexOf('<tr><td>2024</td>'));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain(`<data value="${t.us_import_hhi}">`);
    expect(row.slice(0, row.indexOf('</tr>'))).toContain(
      t.classification === 'global' ? 'global: world supply itself is concentrated' : String(t.classification),
    );
  });

  it('shows the mirror gap China→US of 850511 in 2022 with both declared values (mirror_gaps)', async () => {
    const section = sectionOf(await page('products/850511.html'), 'mirror-gap');
    const [g] = await rowsOf(
      "SELECT import_reported_usd, export_reported_usd, gap_pct FROM mirror_gaps WHERE importer_iso3 = 'USA' AND exporter_iso3 = 'CHN' AND hs6 = '850511' AND year = 2022",
    );
    const row = section.slice(section.indexOf('data-mirror="CHN-2022"'));
    const cells = row.slice(0, row.indexOf('</tr>'));
    expect(dataValues(cells)).toEqual([
      Number(g.import_reported_usd),
      Number(g.export_reported_usd),
      Number(g.export_reported_usd) - Number(g.import_reported_usd),
      Number(g.gap_pct),
    ]);
    expect(cells).toContain('+9.1%');
    expect(section).toMatch(/CIF/);
    expect(section).toMatch(/re-export|routed through a third country/i);
  });

  it('marks the monthly anomalies of 854231 and 854232 that monthly_anomalies flags', async () => {
    for (const hs6 of ['854231', '854232']) {
      const section = sectionOf(await page(`products/${hs6}.html`), 'monthly');
      const flagged = await rowsOf(`
        SELECT year, month FROM monthly_anomalies
        WHERE hs6 = '${hs6}' AND partner_iso3 = 'CHN' AND (is_anomaly OR is_share_anomaly) ORDER BY year, month`);
      expect(flagged.length).toBeGreaterThan(0);
      expect([...section.matchAll(/data-anomaly="([^"]+)"/g)].map((m) => m[1])).toEqual(
        flagged.map((f) => `${f.year}-${String(f.month).padStart(2, '0')}`),
      );
      const csv = await readFile(join(site, 'data', `product-${hs6}-monthly.csv`), 'utf8');
      const [{ n }] = await rowsOf(
        `SELECT COUNT(*) AS n FROM monthly_anomalies WHERE hs6 = '${hs6}' AND partner_iso3 = 'CHN'`,
      );
      expect(csv.trim().split('\n').length - 1).toBe(Number(n));
    }
  });

  it('draws no panel for a product without the data', async () => {
    const markup = await page('products/280530.html');
    for (const id of ['world-supply', 'mirror-gap', 'monthly']) expect(markup).not.toContain(`id="${id}"`);
  });
});

describe('the monthly chart', () => {
  it('breaks its line at a missing month instead of drawing across it', async () => {
    const month = (m: number, value: number) => ({
      year: 2024,
      month: m,
      value_usd: value,
      trailing_mean: null,
      trailing_sd: null,
      z_score: null,
      is_anomaly: false,
    });
    const chart = monthlyAnomaliesChart({
      id: 'gap-test',
      productLabel: 'Test',
      hs6: '000000',
      partnerName: 'China',
      months: [month(1, 10), month(2, 12), month(5, 11), month(6, 9)],
      sources: [],
    });
    expect(chart.rows.map((r) => r.value_usd)).toEqual([10, 12, null, null, 11, 9]);
    const svg = await renderChartSvg(chart.id, chart.spec({} as never, CHART_SIZES[0]));
    const line = /<path [^>]*aria-roledescription="line mark"[^>]*d="([^"]+)"/.exec(svg);
    expect(line, 'the value line').not.toBeNull();
    // Two runs of months, two sub-paths: each starts with a move-to.
    expect(line![1].match(/M/g)?.length).toBe(2);
  });
});

describe('the methodology page', () => {
  it('explains each new measure in plain words, with its sources and SQL', async () => {
    const section = sectionOf(await page('methodology.html'), 'screens');
    for (const table of [
      'world_supply',
      'supply_two_sided',
      'screen_criteria',
      'screen_persistence',
      'mirror_gaps',
      'monthly_anomalies',
    ])
      expect(section).toContain(`sql/metrics/${table}.sql`);
    for (const id of [
      'CEPII_BACI_V202601_TOPFLOWS',
      'EC_SWD_2021_352',
      'CEPII_PB_2023_41',
      'COMTRADE_850511_USA_MIRROR',
      'COMTRADE_MONTHLY_USA_CHN',
    ])
      expect(section).toContain(`#src-${id}`);
    expect(section).toContain('CIF');
  });
});

describe('the alerts of the next release', () => {
  it(
    'gain the monthly anomalies and newly persistent flags the previous release did not have',
    async () => {
      // The next release is built over a copy of the shared lake and site.
      const copy = await copyOfFixture(dirname(lake), join(work, 'bundled'));
      site = join(copy, 'site');
      const { releases } = JSON.parse(await page('releases/index.json'));
      const first: string = releases.at(-1).month;
      const snapshotPath = join(site, 'releases', first, 'data', 'metrics-snapshot.json');
      const snapshot = JSON.parse(await readFile(snapshotPath, 'utf8'));
      // The previous release had neither: one flagged month and one newly persistent year are taken out of it.
      const [anomaly] = await rowsOf(
        "SELECT year, month FROM monthly_anomalies WHERE hs6 = '854231' AND partner_iso3 = 'CHN' AND is_anomaly ORDER BY year DESC, month DESC LIMIT 1",
      );
      const month = `${anomaly.year}-${String(anomaly.month).padStart(2, '0')}`;
      expect(snapshot.warnings.monthly['854231'].anomalies).toHaveProperty(month);
      delete snapshot.warnings.monthly['854231'].anomalies[month];
      const [persistent] = await rowsOf(`
      SELECT framework_id, hs6, year FROM screen_persistence
      WHERE newly_persistent AND year >= (SELECT MAX(year) - 2 FROM screen_persistence) ORDER BY year DESC, framework_id, hs6 LIMIT 1`);
      const kept = snapshot.warnings.screens[String(persistent.framework_id)].newlyPersistent[String(persistent.hs6)];
      expect(kept.years).toContain(Number(persistent.year));
      kept.years = kept.years.filter((y: number) => y !== Number(persistent.year));
      await writeFile(snapshotPath, JSON.stringify(snapshot));

      const [y, m] = first.split('-').map(Number);
      const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
      await buildSiteFolder({ store: new FolderObjectStore(join(copy, 'lake')), outDir: site, releaseMonth: next });
      const alerts = JSON.parse(await page('alerts.json'));
      const warnings = alerts.alerts.filter((a: { kind: string }) =>
        ['monthly-anomaly', 'persistent-flag'].includes(a.kind),
      );
      expect(warnings.map((a: { kind: string; cause: string; page: string }) => [a.kind, a.cause, a.page])).toEqual([
        ['monthly-anomaly', 'revision', 'products/854231.html'],
        ['persistent-flag', 'revision', 'screen.html'],
      ]);
      expect(warnings[0].summary).toContain(`monthly anomaly in ${month}`);
      expect(warnings[1].summary).toContain('newly persistent flag');
      const atom = await page('alerts.xml');
      for (const w of warnings) expect(atom).toContain(`<category term="${w.kind}"/>`);
    },
    scaled(60_000),
  );
});
