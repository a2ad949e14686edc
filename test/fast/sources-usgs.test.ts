import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProductionRow } from '../../data-schemas/curated.ts';
import { replayHttp, type Reply } from '../support/replay-http.ts';
import { parseCsv } from '../../src/core/ingest/csv.ts';
import { loadLiveReference, type LiveReference } from '../../src/core/ingest/live-reference.ts';
import {
  DEFAULT_USGS_CSVS,
  parseUsgsCsv,
  planUsgs,
  usgsSourceId,
  type UsgsCsv,
} from '../../src/core/ingest/sources/usgs.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/usgs/${name}`, import.meta.url), 'utf8');
const REE = fixture('mcs2026_rare-earths_world.from-bundled.csv');
const LITHIUM = fixture('mcs2026_lithium_world.from-bundled.csv');
const REE_CSV: UsgsCsv = {
  chapter: 'rare-earths',
  edition: 2026,
  url: 'https://sciencebase.example/mcs2026-rare-earths-world.csv',
};
const LI_CSV: UsgsCsv = {
  chapter: 'lithium',
  edition: 2026,
  url: 'https://sciencebase.example/mcs2026-lithium-world.csv',
};

let ref: LiveReference;
beforeAll(async () => {
  ref = await loadLiveReference();
});

const parse = (text: string, csv = REE_CSV) => parseUsgsCsv(parseCsv(text, 'raw/usgs/x.csv'), csv, ref);
const rows = (p: ReturnType<typeof parse>) => p.candidates.map((c) => c.row as ProductionRow);

/** The bundled MCS 2026 extract, the figures the fixtures were built from: (country, year) → value text. */
function bundled(commodity: string): Map<string, string> {
  const csv = parseCsv(
    readFileSync(new URL('../../data/bundled/usgs_mcs2026_world_production.csv', import.meta.url), 'utf8'),
    'bundled',
  );
  return new Map(
    csv.records
      .filter((r) => r.values.commodity === commodity)
      .map((r) => [`${r.values.country}/${r.values.year}`, r.values.raw_value]),
  );
}

describe('USGS world-production CSV', () => {
  it('gives one row per country and year with the values of the release, in t REO for rare earths', () => {
    const out = rows(parse(REE)).filter((r) => r.measure === 'mine_production');
    const expected = bundled('Rare Earths (grouped)');
    expect(out).toHaveLength(expected.size);
    for (const r of out) {
      const text = expected.get(`${r.geo_name}/${r.year}`)!;
      expect(r.value).toBe(text === '—' ? 0 : Number(text));
    }
    expect(new Set(out.map((r) => `${r.sector}/${r.commodity}/${r.stage}/${r.unit}/${r.source_id}`))).toEqual(
      new Set(['rare_earths/rare_earths/mining/t_REO/USGS_MCS2026_DR_REE']),
    );
  });

  it('marks estimates, zeros and more-than values with their qualifiers', () => {
    const out = rows(parse(REE));
    const china = out.filter((r) => r.geo_iso3 === 'CHN' && r.measure === 'mine_production');
    expect(china.map((r) => [r.year, r.qualifier])).toEqual([
      [2024, null],
      [2025, 'e'],
    ]);
    expect(out.find((r) => r.geo_iso3 === 'CAN' && r.year === 2024)).toMatchObject({
      value: 0,
      note: "USGS '—' (zero) stored as 0",
    });
    expect(out.find((r) => r.geo_iso3 === 'WLD' && r.measure === 'reserves')).toMatchObject({
      value: 85_000_000,
      qualifier: '>',
      stage: 'reserves',
      year: 2025,
    });
  });

  it('keeps withheld values as null with qualifier W, never 0', () => {
    const us = rows(parse(LITHIUM, LI_CSV)).filter((r) => r.geo_iso3 === 'USA' && r.measure === 'mine_production');
    expect(us.map((r) => [r.year, r.value, r.qualifier])).toEqual([
      [2024, null, 'W'],
      [2025, null, 'W'],
    ]);
  });

  it('maps USGS names to ISO3 and flags the world total and "Other" as aggregates', () => {
    const out = rows(parse(REE));
    const iso = (name: string) => out.find((r) => r.geo_name === name)?.geo_iso3;
    expect(['Burma', 'Russia', 'Vietnam', 'United States'].map(iso)).toEqual(['MMR', 'RUS', 'VNM', 'USA']);
    expect(out.find((r) => r.geo_name === 'World total (rounded)')).toMatchObject({
      geo_iso3: 'WLD',
      geo_is_aggregate: true,
    });
    expect(out.find((r) => r.geo_name === 'Other')).toMatchObject({ geo_iso3: 'OTH', geo_is_aggregate: true });
    expect(out.filter((r) => r.geo_iso3 === 'CHN').every((r) => !r.geo_is_aggregate)).toBe(true);
  });

  it('tolerates an unknown column (logged), quarantines an unknown country, and a file without Country quarantines every row', () => {
    const [header, ...lines] = REE.trimEnd().split('\r\n');
    const drifted = [`${header},Cap_t_2025`, ...lines.map((l) => `${l},`)]
      .join('\r\n')
      .replace('MCS2026,Nigeria', 'MCS2026,Atlantis');
    const parsed = parse(drifted);
    expect(parsed.warnings).toEqual(['unknown column Cap_t_2025 ignored']);
    expect(new Set(parsed.rejects.map((r) => r.reason))).toEqual(new Set(['unknown USGS country name "Atlantis"']));
    const noCountry = parse(REE.replace('Source,Country,Type', 'Source,Nation,Type'));
    expect(noCountry.candidates).toEqual([]);
    expect(noCountry.rejects).toHaveLength(parseCsv(REE, 'x').records.length);
    expect(noCountry.rejects[0].reason).toBe('missing required field Country');
  });
});

describe('USGS fetch', () => {
  const run = async (replies: Reply[]) => {
    const http = replayHttp([{ path: '/mcs2026-rare-earths-world.csv', replies }]);
    const plan = planUsgs(ref, { csvs: [REE_CSV] });
    const responses = await plan.requests[0].fetch({
      http,
      sleep: async () => {},
      random: () => 0,
      policy: { retries: 2 },
    });
    return { http, plan, responses };
  };

  it('refetches a cut-off file (unclosed quote) and 5xx, then covers its own source_id in its sector', async () => {
    const { http, plan, responses } = await run([
      { status: 500 },
      { body: REE.slice(0, REE.indexOf('"Mine') + 10) },
      { body: REE },
    ]);
    expect(http.calls).toHaveLength(3);
    const [r] = responses;
    expect(r.coverage.partitions).toEqual([{ source: 'usgs', sector: 'rare_earths' }]);
    expect(r.coverage.owns({ source_id: 'USGS_MCS2026_DR_REE' })).toBe(true);
    expect(r.coverage.owns({ source_id: 'USGS_MCS2026_REE' })).toBe(false);
    expect(plan.citations[0]).toMatchObject({
      source_id: usgsSourceId(REE_CSV),
      url: REE_CSV.url,
      is_secondary: false,
    });
  });

  it('defaults to the one world CSV whose address was seen in public code', () => {
    expect(DEFAULT_USGS_CSVS.map((c) => `${c.chapter}/${c.edition}`)).toEqual(['cobalt/2024']);
    expect(planUsgs(ref).citations[0].citation).toMatch(
      /Mineral Commodity Summaries 2024 Data Release.*10\.5066\/P144BA54/,
    );
  });
});
