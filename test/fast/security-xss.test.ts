/**
 * Hostile text through the whole pipeline. Script, event-handler, javascript: and spreadsheet-formula
 * payloads are put where input files carry free text — a citation in SOURCES.md, a country name and a
 * note in a production file, a partner name in the trade file, a geo code that gets the row
 * quarantined (the reason quotes it, and the data-quality page shows reasons), a country name in the
 * reference table — then ingest → metrics → report. Every page, chart and feed must show the payloads
 * only as text: no raw payload, no script or iframe element, no event-handler attribute, no
 * javascript: link; every CSV cell a spreadsheet would run as a formula is defused. (The report names
 * countries from the reference table, so the source-file names never reach a page; they are checked
 * all the same. test/system/browser-site.test.ts runs hostile reference names in Chromium; this one scans
 * every file the site has.)
 */
import { scaled } from '../support/slowdown.ts';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSiteFolder } from '../../src/cli/site-folder-build.ts';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import { bundledSource, DEFAULT_REFERENCE_DIR } from '../../src/core/ingest/sources/bundled.ts';
import { runMetrics } from '../../src/core/metrics/metrics.ts';
import { smallData, snapshot } from '../crash/support.ts';
import { withoutSiteScripts } from '../support/site-text.ts';

const PAYLOADS = {
  citation: "<script>alert('cw-xss-1')</script>",
  whereSeen: "<img src=x onerror=alert('cw-xss-2')>",
  geoName: "China<svg onload=alert('cw-xss-3')>",
  note: "<iframe src=javascript:alert('cw-xss-4')></iframe>",
  partner: "Japan<script>alert('cw-xss-5')</script>",
  geoCode: '<b>cw-xss-6</b>',
  formula: "=HYPERLINK('http://evil.example','cw-xss-7')",
};

let root: string;
let site: string;
let files: string[];
const text = (path: string) => readFileSync(join(site, path), 'utf8');

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'chainwatch-xss-'));
  const data = await smallData(join(root, 'data'), 'b');
  const reference = join(root, 'reference');
  await cp(DEFAULT_REFERENCE_DIR, reference, { recursive: true });
  const edit = async (file: string, change: (t: string) => string, dir = data) => {
    const path = join(dir, file);
    const before = await readFile(path, 'utf8');
    const after = change(before);
    expect(after, `${file} was changed`).not.toBe(before);
    await writeFile(path, after);
  };
  await edit('SOURCES.md', (t) =>
    t
      .replace('*Mineral Commodity Summaries 2025*', `*Mineral Commodity Summaries 2025* ${PAYLOADS.citation}`)
      .replace('OCR/markdown copy:', `${PAYLOADS.whereSeen} OCR/markdown copy:`),
  );
  await edit('rare_earths.csv', (t) =>
    t
      .replace(
        /^rare_earths,mine_production,CHN,China,2023,(\d+),,t_REO,USGS_MCS2025_REE,$/m,
        `rare_earths,mine_production,CHN,${PAYLOADS.geoName},2023,$1,,t_REO,USGS_MCS2025_REE,${PAYLOADS.note}`,
      )
      .replace(/^rare_earths,reserves,USA,/m, `rare_earths,reserves,${PAYLOADS.geoCode},`),
  );
  await edit('us_imports_by_partner_hs6.csv', (t) => t.replace(/,392,JPN,Japan,/g, `,392,JPN,${PAYLOADS.partner},`));
  await edit('countries.csv', (t) => t.replace(/^JPN,Japan,/m, `JPN,"${PAYLOADS.formula}",`), reference);

  const lake = join(root, 'lake');
  const store = new FolderObjectStore(lake);
  const manifest = await runIngest({
    store,
    runId: 'xss',
    sources: [bundledSource({ dataDir: data, referenceDir: reference })],
    now: new Date('2026-03-01T06:00:00Z'),
  });
  expect(manifest.sources.bundled.rowsRejected).toBeGreaterThan(0);
  const engine = await DuckDBQueryEngine.create({ lakeRoot: lake, store });
  try {
    await runMetrics({ engine });
  } finally {
    await engine.close();
  }
  site = join(root, 'site');
  await buildSiteFolder({ store, outDir: site, builtAt: new Date('2026-03-15T00:00:00Z'), releaseMonth: '2026-03' });
  files = [...(await snapshot(site)).keys()];
}, scaled(120_000));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('hostile text in the data files, through ingest, metrics and the report', () => {
  it('appears on the pages, as text', () => {
    const all = files
      .filter((f) => f.endsWith('.html'))
      .map(text)
      .join('\n');
    // The payloads got through (so the scan below is not vacuous), escaped.
    expect(all).toContain('&lt;script&gt;alert(&#39;cw-xss-1&#39;)&lt;/script&gt;');
    expect(text('data-quality.html')).toContain('&lt;b&gt;cw-xss-6&lt;/b&gt;');
    expect(all).toContain('=HYPERLINK(&#39;http://evil.example&#39;,&#39;cw-xss-7&#39;)');
  });

  it('never as markup: no raw payload, script, iframe, event handler or javascript: link in any page, chart or feed', () => {
    const markup = files.filter((f) => /\.(html|svg|xml)$/.test(f));
    expect(markup.length).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const f of markup) {
      const t = text(f);
      // The formula is harmless text in markup (it is a threat only in a spreadsheet): the others are markup.
      for (const [where, payload] of Object.entries(PAYLOADS))
        if (payload.includes('<') && t.includes(payload)) problems.push(`${f}: raw ${where} payload`);
      if (/<(script|iframe|object|embed)\b/i.test(withoutSiteScripts(f, t)))
        problems.push(`${f}: a script/iframe/object/embed element`);
      if (/<[a-z][^>]*\son[a-z]+\s*=/i.test(t)) problems.push(`${f}: an event-handler attribute`);
      if (/\b(href|src|xlink:href)\s*=\s*["']?\s*javascript:/i.test(t)) problems.push(`${f}: a javascript: link`);
    }
    expect(problems).toEqual([]);
  });

  it('defuses formulas in every CSV download', () => {
    const csvs = files.filter((f) => f.endsWith('.csv'));
    expect(csvs.length).toBeGreaterThan(5);
    const formulaCells: string[] = [];
    for (const f of csvs) {
      // A cell starts at the line start or after a comma, optionally inside quotes.
      for (const m of text(f).matchAll(/(?:^|,)"?([=+@]|-(?!\d))[^,\r\n]*/gm))
        formulaCells.push(`${f}: ${m[0].slice(0, 60)}`);
    }
    expect(formulaCells).toEqual([]);
    // Japan's hostile name is in the supplier CSVs, as text a spreadsheet shows rather than runs.
    expect(csvs.filter((f) => text(f).includes(`'${PAYLOADS.formula}`)).length).toBeGreaterThan(0);
  });
});
