import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TradeFlow } from '../../data-schemas/curated.ts';
import { SourceError } from '../../src/core/errors.ts';
import { eachElement } from '../../src/core/http/json-envelope.ts';
import { replayHttp, type Reply, type Route } from '../support/replay-http.ts';
import type { HttpContext } from '../../src/core/http/retry.ts';
import { parseCsv } from '../../src/core/ingest/csv.ts';
import { loadLiveReference, type LiveReference } from '../../src/core/ingest/live-reference.ts';
import {
  COMTRADE_FIELDS,
  normalizeComtradeRecord,
  parseComtradeEnvelope,
  parseComtradeRecords,
  planComtrade,
  type ComtradeScope,
} from '../../src/core/ingest/sources/comtrade.ts';
import type { FetchedResponse } from '../../src/core/ingest/sources/live-source.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/comtrade/${name}`, import.meta.url), 'utf8');
const A1 = fixture('preview-A-2023-r76-X-1201-p156.verbatim.json');
const A2 = fixture('preview-A-2023-r76-X-1201.countonly.verbatim.json');
const RARE_EARTH_METALS = fixture('get-A-2021-r842-M-280530.from-bundled.json');
const CERIUM = fixture('get-A-2021-r842-M-284610.from-bundled.json');
const BOTH_COUNT = fixture('get-A-2021-r842-M-280530+284610.countonly.from-bundled.json');

const KEY = 'test-subscription-key';
const SCOPE_2021: ComtradeScope = {
  freq: 'A',
  periods: ['2021'],
  reporters: ['842'],
  hs: ['280530', '284610'],
  flows: ['M'],
};

let ref: LiveReference;
beforeAll(async () => {
  ref = await loadLiveReference();
});

function context(routes: Route[]) {
  const http = replayHttp(routes);
  const sleeps: number[] = [];
  const ctx: HttpContext = {
    http,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0,
    now: () => 0,
    policy: { retries: 2 },
  };
  return { ctx, http, sleeps };
}

const keyed = (scope: ComtradeScope, o: { recordLimit?: number } = {}) =>
  planComtrade(scope, ref, { apiKey: KEY, ...o });
/** Keyed-API routes: data replies per cmdCode, and (first, so it wins) the countOnly reply. */
function routesFor(data: Record<string, Reply[]>, count?: string): Route[] {
  const routes: Route[] = Object.entries(data).map(([cmdCode, replies]) => ({
    path: '/data/v1/get/C/A/HS',
    query: { cmdCode },
    replies,
  }));
  if (count) routes.unshift({ path: '/data/v1/get/C/A/HS', query: { countOnly: 'true' }, replies: [{ body: count }] });
  return routes;
}

async function fetchAll(plan: ReturnType<typeof planComtrade>, ctx: HttpContext): Promise<FetchedResponse[]> {
  const out: FetchedResponse[] = [];
  for (const r of plan.requests) out.push(...(await r.fetch(ctx)));
  return out;
}

const rowsOf = (responses: FetchedResponse[]) =>
  responses.flatMap((r) => r.parse(`raw/comtrade/x/${r.file}`).candidates.map((c) => c.row as TradeFlow));

/** The bundled mart's US import values for one product and year, keyed by Comtrade partner code. */
function bundledValues(hs: string, year: string): Map<string, number> {
  const csv = parseCsv(
    readFileSync(new URL('../../data/bundled/us_imports_by_partner_hs6.csv', import.meta.url), 'utf8'),
    'mart',
  );
  return new Map(
    csv.records
      .filter((r) => r.values.canonical_product_id === hs && r.values.year === year)
      .map((r) => [r.values.partner_code, Number(r.values.import_value_usd)]),
  );
}

describe('Comtrade envelope', () => {
  it('reads the verbatim preview capture (A1): one HS4 record, quarantined because it is not HS6', () => {
    const env = parseComtradeEnvelope({ status: 200, headers: {}, body: new TextEncoder().encode(A1) });
    expect([env.count, env.recordCount, env.countOnly]).toEqual([1, 1, false]);
    const records: unknown[] = [];
    eachElement(env.records!, (record) => records.push(record));
    expect(Object.keys(records[0] as object)).toEqual([...COMTRADE_FIELDS]);
    const parsed = parseComtradeRecords(env, 'raw/comtrade/a1.json', ref);
    expect(parsed.candidates).toHaveLength(0);
    expect(parsed.rejects.map((r) => r.reason)).toEqual(['cmdCode 1201 is not an HS6 code']);
    expect(parsed.rejects[0]).toMatchObject({ file: 'raw/comtrade/a1.json', line: 1, table: 'trade_flows' });
  });

  it('does not take the record’s isAggregate for a partner aggregate (A1 says true for Brazil → China)', () => {
    const record = { ...JSON.parse(A1).data[0], cmdCode: '120190' };
    const row = normalizeComtradeRecord(record, ref);
    expect(row).toMatchObject({
      reporter_iso3: 'BRA',
      partner_iso3: 'CHN',
      partner_is_aggregate: false,
      flow: 'X',
      month: 0,
      hs_vintage: 'H6',
    });
    // Exports with cifvalue null and fobvalue = primaryValue: FOB basis.
    expect([row.value_basis, row.value_usd]).toEqual(['FOB', 38917721136]);
    expect(row.note).toMatch(/isReported=false/);
  });

  it('reads the countOnly shape (A2), whose data is an object of nulls: only count counts', () => {
    const env = parseComtradeEnvelope({ status: 200, headers: {}, body: new TextEncoder().encode(A2) });
    expect([env.count, env.countOnly, env.recordCount, env.records]).toEqual([63, true, 0, undefined]);
  });

  it('refuses an error envelope without retrying', async () => {
    const { ctx, http } = context([
      { path: '/data/v1/get/C/A/HS', replies: [{ body: fixture('error-envelope.synthetic.json') }] },
    ]);
    const plan = keyed({ ...SCOPE_2021, hs: ['280530'] });
    await expect(fetchAll(plan, ctx)).rejects.toThrow(SourceError);
    expect(http.calls).toHaveLength(1);
  });
});

describe('Comtrade keyed fetch', () => {
  it('sizes a call with countOnly and halves it to stay under the record limit', async () => {
    const { ctx, http } = context(
      routesFor({ '280530': [{ body: RARE_EARTH_METALS }], '284610': [{ body: CERIUM }] }, BOTH_COUNT),
    );
    // 28 records in all; a limit of 20 forces one call per product.
    const responses = await fetchAll(keyed(SCOPE_2021, { recordLimit: 20 }), ctx);
    const calls = http.calls.map((c) => new URL(c.url).searchParams);
    expect(calls.map((q) => [q.get('cmdCode'), q.get('countOnly')])).toEqual([
      ['280530,284610', 'true'],
      ['280530', null],
      ['284610', null],
    ]);
    expect(
      calls.every((q) => q.get('partner2Code') === '0' && q.get('customsCode') === 'C00' && q.get('motCode') === '0'),
    ).toBe(true);
    expect(http.calls.every((c) => c.headers?.['Ocp-Apim-Subscription-Key'] === KEY && !c.url.includes(KEY))).toBe(
      true,
    );
    expect(responses.map((r) => r.key)).toEqual(http.calls.slice(1).map((c) => c.url));

    const rows = rowsOf(responses);
    for (const hs of ['280530', '284610']) {
      const expected = bundledValues(hs, '2021');
      const got = rows.filter((r) => r.hs6 === hs && !r.partner_is_aggregate);
      expect(new Map(got.map((r) => [r.partner_code, r.value_usd]))).toEqual(expected);
    }
  });

  it('skips the countOnly call when one call fits', async () => {
    const { ctx, http } = context(routesFor({ '280530,284610': [{ body: RARE_EARTH_METALS }] }, BOTH_COUNT));
    await fetchAll(keyed(SCOPE_2021), ctx);
    expect(http.calls.map((c) => new URL(c.url).searchParams.get('countOnly'))).toEqual(['true', null]);
  });

  it('maps partner codes to ISO3: 490 → TWN with a note, non-ISO Comtrade codes, World flagged as an aggregate', async () => {
    const { ctx } = context(routesFor({ '284610': [{ body: CERIUM }] }));
    const rows = rowsOf(await fetchAll(keyed({ ...SCOPE_2021, hs: ['284610'] }), ctx));
    const byCode = new Map(rows.map((r) => [r.partner_code, r]));
    expect(byCode.get('490')).toMatchObject({
      partner_iso3: 'TWN',
      partner_name: 'Other Asia, nes',
      partner_is_aggregate: false,
      note: expect.stringMatching(/490.*TWN/),
    });
    expect(['699', '251', '579'].map((c) => byCode.get(c)?.partner_iso3)).toEqual(['IND', 'FRA', 'NOR']);
    expect(byCode.get('0')).toMatchObject({ partner_iso3: 'WLD', partner_is_aggregate: true });
    expect(
      new Set(rows.map((r) => `${r.reporter_iso3}/${r.reporter_code}/${r.hs_vintage}/${r.value_basis}/${r.month}`)),
    ).toEqual(new Set(['USA/842/H5/CIF/0']));
  });

  it('knows the Comtrade codes that are not ISO numeric', () => {
    const iso = (code: string) => ref.byComtradeCode.get(code)?.iso3;
    expect(['842', '757', '699', '251', '579', '490', '0'].map(iso)).toEqual([
      'USA',
      'CHE',
      'IND',
      'FRA',
      'NOR',
      'TWN',
      'WLD',
    ]);
  });

  it('retries 429 (after Retry-After) and 5xx, then lands the same rows', async () => {
    const { ctx, sleeps, http } = context(
      routesFor({
        '280530': [{ status: 429, headers: { 'Retry-After': '2' } }, { status: 502 }, { body: RARE_EARTH_METALS }],
      }),
    );
    const responses = await fetchAll(keyed({ ...SCOPE_2021, hs: ['280530'] }), ctx);
    expect(http.calls).toHaveLength(3);
    expect(sleeps).toContain(2000);
    expect(rowsOf(responses)).toHaveLength(11);
  });

  it('gives up on persistent 5xx with a SourceError', async () => {
    const { ctx, http } = context(routesFor({ '280530': [{ status: 500 }] }));
    await expect(fetchAll(keyed({ ...SCOPE_2021, hs: ['280530'] }), ctx)).rejects.toThrow(
      /failed after 3 attempts; last: HTTP 500/,
    );
    expect(http.calls).toHaveLength(3);
  });

  it('refetches a truncated JSON body', async () => {
    const { ctx, http } = context(
      routesFor({ '280530': [{ body: RARE_EARTH_METALS.slice(0, 4000) }, { body: RARE_EARTH_METALS }] }),
    );
    expect(rowsOf(await fetchAll(keyed({ ...SCOPE_2021, hs: ['280530'] }), ctx))).toHaveLength(11);
    expect(http.calls).toHaveLength(2);
  });

  it('lands an empty result (count 0) as no rows', async () => {
    const empty = JSON.stringify({ elapsedTime: '0.1 secs', count: 0, data: [], error: '' });
    const { ctx } = context(routesFor({ '280530': [{ body: empty }] }));
    const responses = await fetchAll(keyed({ ...SCOPE_2021, hs: ['280530'] }), ctx);
    const parsed = responses[0].parse('raw/x');
    expect([parsed.candidates.length, parsed.rejects.length, responses[0].coverage.partitions]).toEqual([
      0,
      0,
      [{ source: 'comtrade', year: 2021, month: 0 }],
    ]);
  });

  it('tolerates an unknown field (logged) and quarantines a record missing a required one', async () => {
    const drifted = JSON.parse(RARE_EARTH_METALS);
    for (const record of drifted.data) record.newField = 'x';
    delete drifted.data[3].partnerCode;
    const { ctx } = context(routesFor({ '280530': [{ body: JSON.stringify(drifted) }] }));
    const [response] = await fetchAll(keyed({ ...SCOPE_2021, hs: ['280530'] }), ctx);
    const parsed = response.parse('raw/comtrade/drift.json');
    expect(parsed.warnings).toEqual(['unknown record field newField ignored']);
    expect(parsed.candidates).toHaveLength(10);
    expect(parsed.rejects).toEqual([
      expect.objectContaining({
        line: 4,
        reason: 'missing required field partnerCode',
        file: 'raw/comtrade/drift.json',
      }),
    ]);
  });

  it('quarantines breakdown rows instead of adding them to the total', () => {
    const record = { ...JSON.parse(RARE_EARTH_METALS).data[1], motCode: 2100, motDesc: 'Air' };
    expect(() => normalizeComtradeRecord(record, ref)).toThrow(/breakdown row .*motCode 2100/);
  });
});

describe('Comtrade keyless preview', () => {
  it('uses the preview endpoint, one product × flow × period per call, capped at 500 records, with no key anywhere', () => {
    const plan = planComtrade(
      { freq: 'A', periods: ['2022', '2023'], reporters: ['842'], hs: ['280530', '284610'], flows: ['M', 'X'] },
      ref,
    );
    expect(plan.requests).toHaveLength(8);
    const q = new URL(plan.requests[0].url);
    expect(q.pathname).toBe('/public/v1/preview/C/A/HS');
    expect([
      q.searchParams.get('maxRecords'),
      q.searchParams.get('period'),
      q.searchParams.get('cmdCode'),
      q.searchParams.get('flowCode'),
    ]).toEqual(['500', '2022', '280530', 'M']);
    expect(plan.requests.every((r) => Object.keys(r.headers).length === 0)).toBe(true);
    expect(plan.notices[0]).toMatch(/keyless preview/);
  });

  it('refuses a reply that reaches the 500-record cap instead of keeping a cut-off result', async () => {
    const full = JSON.parse(RARE_EARTH_METALS);
    full.data = Array.from({ length: 500 }, () => full.data[1]);
    full.count = 500;
    const { ctx } = context([{ path: '/public/v1/preview/C/A/HS', replies: [{ body: JSON.stringify(full) }] }]);
    const plan = planComtrade({ ...SCOPE_2021, hs: ['280530'] }, ref);
    await expect(fetchAll(plan, ctx)).rejects.toThrow(
      expect.objectContaining({ hint: expect.stringMatching(/COMTRADE_API_KEY/) }),
    );
  });
});

describe('metric vectors on connector output (metrics.md §7)', () => {
  /** Shares of the non-aggregate partners: what the metrics compute, over exactly what the connector lands. */
  async function suppliers(file: string) {
    const { ctx } = context([{ path: '/data/v1/get/C/A/HS', replies: [{ body: fixture(file) }] }]);
    const rows = rowsOf(
      await fetchAll(keyed({ freq: 'A', periods: ['2022'], reporters: ['842'], hs: ['854231'], flows: ['M'] }), ctx),
    );
    const countries = rows.filter((r) => !r.partner_is_aggregate);
    const total = countries.reduce((n, r) => n + r.value_usd!, 0);
    return new Map(countries.map((r) => [r.partner_iso3, r.value_usd! / total]));
  }
  const allies = readFileSync(new URL('../../data-schemas/reference/partner_groups.csv', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('ALLY_2021_SC,'))
    .map((l) => l.split(',')[1]);

  it('T15: 490 mapped to TWN gives HHI 0.38 and ally share 0.50', async () => {
    const shares = await suppliers('t15-A-2022-r842-M-854231.synthetic.json');
    const hhi = [...shares.values()].reduce((n, s) => n + s * s, 0);
    const ally = [...shares].filter(([iso]) => allies.includes(iso)).reduce((n, [, s]) => n + s, 0);
    expect(hhi).toBeCloseTo(0.38, 10);
    expect(ally).toBeCloseTo(0.5, 10);
  });

  it('T16: the World row is never a supplier, so China’s share is 0.60', async () => {
    const shares = await suppliers('t16-A-2022-r842-M-854231.synthetic.json');
    expect(shares.get('CHN')).toBeCloseTo(0.6, 10);
    expect(shares.has('WLD')).toBe(false);
  });
});
