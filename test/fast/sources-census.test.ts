import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TradeFlow } from '../../data-schemas/curated.ts';
import { replayHttp, type Reply } from '../support/replay-http.ts';
import type { HttpContext } from '../../src/core/http/retry.ts';
import { loadLiveReference, type LiveReference } from '../../src/core/ingest/live-reference.ts';
import {
  censusUrl,
  parseCensusResponse,
  planCensus,
  type CensusRequest,
} from '../../src/core/ingest/sources/census.ts';
import type { FetchedResponse } from '../../src/core/ingest/sources/live-source.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/census/${name}`, import.meta.url), 'utf8');
const IMPORTS = fixture('imports-854231-2024-07_2025-06.synthetic.json');
const EXPORTS = fixture('exports-854231-2025-01_2025-03.synthetic.json');
const B1 = fixture('imports-854231-2013-01_2013-06.verbatim.json');

const JULY_TO_JUNE: CensusRequest = {
  flow: 'M',
  hs: '854231',
  from: { year: 2024, month: 7 },
  to: { year: 2025, month: 6 },
};

let ref: LiveReference;
beforeAll(async () => {
  ref = await loadLiveReference();
});

const response = (body: string, status = 200) => ({ status, headers: {}, body: new TextEncoder().encode(body) });
const parse = (body: string, request = JULY_TO_JUNE, status = 200) =>
  parseCensusResponse(response(body, status), request, 'raw/census/x.json', ref);
const rows = (p: ReturnType<typeof parse>) => p.candidates.map((c) => c.row as TradeFlow);
/** The fixture's table as header-keyed records, read independently of the connector. */
const records = (body: string) => {
  const [header, ...data] = JSON.parse(body) as string[][];
  return data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
};

function fetchOne(replies: Reply[], apiKey?: string, retries = 2) {
  const http = replayHttp([{ path: '/imports/hs', replies }]);
  const sleeps: number[] = [];
  const ctx: HttpContext = {
    http,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0,
    now: () => 0,
    policy: { retries },
  };
  const plan = planCensus({ from: JULY_TO_JUNE.from, to: JULY_TO_JUNE.to, hs: ['854231'], flows: ['M'] }, ref, {
    apiKey,
  });
  return { http, sleeps, plan, run: (): Promise<FetchedResponse[]> => plan.requests[0].fetch(ctx) };
}

describe('Census response parsing', () => {
  it('reads the header row (with echoed predicates) and string values; maps verified country codes', () => {
    const parsed = parse(IMPORTS);
    const june = rows(parsed).filter((r) => r.year === 2025 && r.month === 6);
    const expected = records(IMPORTS).filter(
      (r) => r.time === '2025-06' && ['5700', '2010', '1220', '4279'].includes(r.CTY_CODE),
    );
    expect(new Map(june.filter((r) => !r.partner_is_aggregate).map((r) => [r.partner_code, r.value_usd]))).toEqual(
      new Map(expected.map((r) => [r.CTY_CODE, Number(r.GEN_VAL_MO)])),
    );
    expect(
      june
        .filter((r) => !r.partner_is_aggregate)
        .map((r) => r.partner_iso3)
        .sort(),
    ).toEqual(['CAN', 'CHN', 'FRA', 'MEX']);
    expect(new Set(rows(parsed).map((r) => `${r.reporter_iso3}/${r.flow}/${r.value_basis}/${r.source}`))).toEqual(
      new Set(['USA/M/customs/census']),
    );
  });

  it('flags the grand total (CTY_CODE "-") and groups (SUMMARY_LVL CGP) as aggregates', () => {
    const june = rows(parse(IMPORTS)).filter((r) => r.year === 2025 && r.month === 6);
    expect(june.find((r) => r.partner_code === '-')).toMatchObject({ partner_iso3: 'WLD', partner_is_aggregate: true });
    expect(june.find((r) => r.partner_code === '0022')).toMatchObject({
      partner_iso3: 'XC0022',
      partner_is_aggregate: true,
      partner_name: 'OECD',
    });
  });

  it('quarantines a country code countries.csv does not verify (Taiwan 5830 is unverified)', () => {
    const parsed = parse(IMPORTS);
    const taiwan = parsed.rejects.filter((r) => r.row.CTY_CODE === '5830');
    expect(taiwan).toHaveLength(12);
    expect(new Set(taiwan.map((r) => r.reason))).toEqual(new Set(['unknown Census country code 5830 (TAIWAN)']));
    expect(taiwan[0]).toMatchObject({ file: 'raw/census/x.json', line: 8, table: 'trade_flows' });
  });

  it('takes the annual total from December’s year-to-date value, never by summing year-to-date months', () => {
    const parsed = parse(IMPORTS);
    const annual = rows(parsed).filter((r) => r.month === 0);
    const december = records(IMPORTS).filter((r) => r.time === '2024-12' && r.CTY_CODE !== '5830');
    expect(new Map(annual.map((r) => [r.partner_code, r.value_usd]))).toEqual(
      new Map(december.map((r) => [r.CTY_CODE, Number(r.GEN_VAL_YR)])),
    );
    expect(annual.every((r) => r.year === 2024 && /December GEN_VAL_YR/.test(r.note!))).toBe(true);
    // Only 2024 has a December in the window; 2025 gets no annual row yet.
    expect(parsed.rowsDerived).toBe(december.length);
    expect(parsed.rowsRead).toBe(records(IMPORTS).length);
  });

  it('reads exports (E_COMMODITY, ALL_VAL_MO) at the FOB-type basis', () => {
    const request: CensusRequest = {
      flow: 'X',
      hs: '854231',
      from: { year: 2025, month: 1 },
      to: { year: 2025, month: 3 },
    };
    const out = rows(parse(EXPORTS, request));
    expect(new Set(out.map((r) => `${r.flow}/${r.value_basis}`))).toEqual(new Set(['X/FOB']));
    const china = records(EXPORTS)
      .filter((r) => r.CTY_CODE === '5700')
      .map((r) => Number(r.ALL_VAL_MO));
    expect(out.filter((r) => r.partner_iso3 === 'CHN').map((r) => r.value_usd)).toEqual(china);
  });

  it('quarantines every row of a response that lacks required fields (the verbatim B1 probe has no CTY_CODE)', () => {
    const request: CensusRequest = {
      flow: 'M',
      hs: '854231',
      from: { year: 2013, month: 1 },
      to: { year: 2013, month: 6 },
    };
    const parsed = parse(B1, request);
    expect(parsed.candidates).toEqual([]);
    expect(parsed.rejects).toHaveLength(6);
    expect(new Set(parsed.rejects.map((r) => r.reason))).toEqual(
      new Set(['missing required fields CTY_CODE, CTY_NAME, SUMMARY_LVL, GEN_VAL_YR']),
    );
    expect(parsed.rejects[0].row).toEqual({
      GEN_VAL_MO: '1167461768',
      COMM_LVL: 'HS6',
      I_COMMODITY: '854231',
      time: '2013-01',
    });
  });

  it('tolerates an unknown extra column (logged) and quarantines a row whose value is missing', () => {
    const table = JSON.parse(IMPORTS) as (string | null)[][];
    table[0].push('NEW_FLAG');
    for (const row of table.slice(1)) row.push('x');
    table[3][3] = null;
    const parsed = parse(JSON.stringify(table));
    expect(parsed.warnings).toEqual(['unknown field NEW_FLAG ignored']);
    expect(parsed.rejects.filter((r) => r.reason === 'missing required field GEN_VAL_MO')).toEqual([
      expect.objectContaining({ line: 4 }),
    ]);
  });

  it('reads HTTP 204 as an empty result', () => {
    const parsed = parse('', JULY_TO_JUNE, 204);
    expect([parsed.candidates, parsed.rejects, parsed.warnings]).toEqual([[], [], []]);
  });
});

describe('Census fetch', () => {
  it('asks for one HS code per call, the month range in `time`, and sends the key only as the query parameter', async () => {
    const { http, run } = fetchOne([{ body: IMPORTS }], 'census-secret');
    const [fetched] = await run();
    const url = new URL(http.calls[0].url);
    expect(url.pathname).toBe('/data/timeseries/intltrade/imports/hs');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      get: 'CTY_CODE,CTY_NAME,SUMMARY_LVL,GEN_VAL_MO,GEN_VAL_YR',
      COMM_LVL: 'HS6',
      I_COMMODITY: '854231',
      time: 'from 2024-07 to 2025-06',
      key: 'census-secret',
    });
    expect(fetched.key).not.toContain('census-secret');
    expect(fetched.key).toContain('key=***');
    expect(censusUrl('https://x.test', JULY_TO_JUNE)).not.toContain('key=');
  });

  it('covers every month of the range and the annual partition of each December in it, for its flow and code only', async () => {
    const [fetched] = await fetchOne([{ body: IMPORTS }]).run();
    const { partitions, owns } = fetched.coverage;
    expect(partitions).toHaveLength(13);
    expect(partitions).toContainEqual({ source: 'census', year: 2024, month: 0 });
    expect(owns({ flow: 'M', hs6: '854231', reporter_code: 'USA' })).toBe(true);
    expect(owns({ flow: 'X', hs6: '854231', reporter_code: 'USA' })).toBe(false);
    expect(owns({ flow: 'M', hs6: '854232', reporter_code: 'USA' })).toBe(false);
  });

  it('retries 429 (after Retry-After) and 5xx, and refetches a truncated body', async () => {
    const { http, sleeps, run } = fetchOne(
      [
        { status: 429, headers: { 'Retry-After': '1' } },
        { status: 503 },
        { body: IMPORTS.slice(0, 500) },
        { body: IMPORTS },
      ],
      undefined,
      3,
    );
    const [fetched] = await run();
    expect(http.calls).toHaveLength(4);
    expect(sleeps[0]).toBe(1000);
    expect(fetched.parse('raw/x').candidates.length).toBeGreaterThan(0);
  });

  it('gives up on persistent 5xx', async () => {
    const { http, run } = fetchOne([{ status: 503 }]);
    await expect(run()).rejects.toThrow(/failed after 3 attempts; last: HTTP 503/);
    expect(http.calls).toHaveLength(3);
  });

  it('lands HTTP 204 as a response with no rows (the months stay covered, so stale rows are removed)', async () => {
    const [fetched] = await fetchOne([{ status: 204 }]).run();
    expect(fetched.status).toBe(204);
    expect(fetched.parse('raw/x').candidates).toEqual([]);
  });
});
