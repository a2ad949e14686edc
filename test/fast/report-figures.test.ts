/**
 * The bundled site publishes the same pages and the same figures as it did before the report asked
 * the query engine for its rows: test/fixtures/report/figures-before.json was written by the report
 * that read every lake row into JS (see write-figures-before.ts). Pages, page text, the values behind
 * every figure, every chart's CSV, JSON and spec, the downloads, the snapshot and the alerts are
 * compared; numbers within 1e-9 (relative), everything else exactly.
 */
import { scaled } from '../support/slowdown.ts';
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundledSiteFigures } from '../support/bundled-site.ts';
import { figureDifferences, type SiteFigures } from '../support/site-figures.ts';

let before: SiteFigures;
let after: SiteFigures;

beforeAll(async () => {
  before = JSON.parse(await readFile(new URL('../fixtures/report/figures-before.json', import.meta.url), 'utf8'));
  after = await bundledSiteFigures();
}, scaled(180_000));

describe('the bundled site, before and after the engine-first report', () => {
  it('has the same files', () => {
    expect(after.files).toEqual(before.files);
  });

  it('has the same page titles, page text and figure values', () => {
    expect(Object.keys(after.pages).length).toBeGreaterThan(50);
    expect(figureDifferences(before.pages, after.pages)).toEqual([]);
  });

  it('publishes the same chart data, downloads, snapshot and alerts', () => {
    expect(Object.keys(after.data).length).toBeGreaterThan(300);
    expect(figureDifferences(before.data, after.data)).toEqual([]);
  });
});

describe('figureDifferences, the comparison above', () => {
  it('lets a number in running text move by float noise, and nothing else', () => {
    const page = 'Band low 8576734.771715567 z -0.692820521619304 of 93 months';
    expect(figureDifferences(page, 'Band low 8576734.771715568 z -0.6928205216193041 of 93 months')).toEqual([]);
    expect(figureDifferences(page, 'Band low 8576734.771715567 z -0.692820521619304 of 94 months')).toHaveLength(1);
    expect(figureDifferences(page, 'Band low 8576735.771715567 z -0.692820521619304 of 93 months')).toHaveLength(1);
    expect(figureDifferences(page, 'Band high 8576734.771715567 z -0.692820521619304 of 93 months')).toHaveLength(1);
    expect(figureDifferences(page, 'Band low 8576734.771715567 z -0.692820521619304 of 93 months 1')).toHaveLength(1);
  });
});
