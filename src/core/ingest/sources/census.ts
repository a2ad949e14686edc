import { type FLOWS, tradeFlows, type SourceRow, type TradeFlow } from '../../../../data-schemas/curated.ts';
import { SourceError } from '../../errors.ts';
import type { HttpResponse } from '../../http/http-client.ts';
import { jsonBody } from '../../http/json-body.ts';
import { redactUrl } from '../../http/redact.ts';
import { fetchWithRetry, type HttpContext } from '../../http/retry.ts';
import type { LiveReference } from '../live-reference.ts';
import { formatMonth, monthsBetween, type Month } from '../months.ts';
import { normalizeRows, parseNonNegative, RowProblem, type Origin } from '../rows.ts';
import type { FetchedResponse, LiveRequest, LiveSourcePlan, Parsed } from './live-source.ts';

type Flow = (typeof FLOWS)[number];

const CENSUS_SOURCE_ID = 'CENSUS_INTLTRADE_API';
const CENSUS_BASE_URL = 'https://api.census.gov/data/timeseries/intltrade';
/** Census has no reporter code: the reporter is always the United States. */
const US_REPORTER = 'USA';

export const CENSUS_CITATION: SourceRow = {
  source: 'census',
  source_id: CENSUS_SOURCE_ID,
  topic: 'Trade flows',
  citation:
    'U.S. Census Bureau, International Trade API, timeseries/intltrade imports/hs (general imports, customs value) and exports/hs (total exports, FAS value), monthly by country, HS6',
  url: `${CENSUS_BASE_URL}/imports/hs`,
  where_seen: 'Fetched by chainwatch from the API; every response is kept unchanged under raw/census/<content hash>/',
  is_secondary: false,
  licence: null,
};

/**
 * Per flow: endpoint and variables. Imports are general imports at customs value (GEN_VAL_*); exports
 * are total exports at FAS value (ALL_VAL_*), the FOB-type basis Census uses. *_MO is the month,
 * *_YR is year-to-date: December's *_YR is the annual total, and summing *_YR over months is wrong.
 */
const FLOW_VARIABLES: Record<
  Flow,
  { endpoint: string; commodity: string; monthly: string; ytd: string; basis: TradeFlow['value_basis'] }
> = {
  M: { endpoint: 'imports/hs', commodity: 'I_COMMODITY', monthly: 'GEN_VAL_MO', ytd: 'GEN_VAL_YR', basis: 'customs' },
  X: { endpoint: 'exports/hs', commodity: 'E_COMMODITY', monthly: 'ALL_VAL_MO', ytd: 'ALL_VAL_YR', basis: 'FOB' },
};
const COUNTRY_VARIABLES = ['CTY_CODE', 'CTY_NAME', 'SUMMARY_LVL'] as const;
const requestedOf = (flow: Flow) => [...COUNTRY_VARIABLES, FLOW_VARIABLES[flow].monthly, FLOW_VARIABLES[flow].ytd];
/** The predicates the API echoes after the requested variables. */
const echoedOf = (flow: Flow) => ['COMM_LVL', FLOW_VARIABLES[flow].commodity, 'time'];

export interface CensusRequest {
  flow: Flow;
  hs: string;
  from: Month;
  to: Month;
}

/**
 * Census groups (SUMMARY_LVL 'CGP', e.g. 0022 OECD) keep a pseudo-code 'XC<code>'; the grand total
 * (CTY_CODE '-', tagged DET) is 'WLD'. Both are aggregates and never suppliers. A country code that
 * countries.csv does not list is quarantined, not guessed: only verified codes are mapped.
 */
function partnerOf(
  code: string,
  name: string,
  level: string,
  ref: LiveReference,
): { iso3: string; aggregate: boolean } {
  if (code === '-') return { iso3: 'WLD', aggregate: true };
  if (level === 'CGP') return { iso3: `XC${code}`, aggregate: true };
  if (level !== 'DET') throw new RowProblem(`SUMMARY_LVL "${level}" is neither DET (country) nor CGP (group)`);
  const country = ref.byCensusCode.get(code);
  if (!country) throw new RowProblem(`unknown Census country code ${code} (${name})`);
  return { iso3: country.iso3, aggregate: country.is_aggregate };
}

/** The array-of-arrays body → header and rows; 204 / empty is no rows. */
function tableOf(response: HttpResponse): { header: string[]; rows: unknown[][] } {
  const body = jsonBody(response);
  if (body === undefined) return { header: [], rows: [] };
  if (
    !Array.isArray(body) ||
    body.length === 0 ||
    !body.every(Array.isArray) ||
    !(body[0] as unknown[]).every((h) => typeof h === 'string')
  ) {
    throw new SourceError(
      `Census answered with JSON that is not an array of rows with a header row: ${JSON.stringify(body).slice(0, 200)}`,
      'The API shape may have changed; update src/core/ingest/sources/census.ts.',
    );
  }
  const [header, ...rows] = body as unknown[][];
  return { header: header as string[], rows };
}

/** One response → monthly rows, plus an annual row (month 0) from each December's year-to-date value. */
export function parseCensusResponse(
  response: HttpResponse,
  request: CensusRequest,
  rawKey: string,
  ref: LiveReference,
): Parsed {
  const { header, rows } = tableOf(response);
  const vars = FLOW_VARIABLES[request.flow];
  const expected = new Set([...requestedOf(request.flow), ...echoedOf(request.flow)]);
  const required = [...requestedOf(request.flow), 'time'];
  const missing = rows.length > 0 ? required.filter((f) => !header.includes(f)) : [];
  const unknown = [...new Set(header.filter((h) => !expected.has(h)))];
  const origins: Origin[] = rows.map((row, i) => ({
    file: rawKey,
    // Line 1 is the header row.
    line: i + 2,
    raw: Object.fromEntries(header.map((h, k) => [h, row[k] === null || row[k] === undefined ? '' : String(row[k])])),
    problem:
      missing.length > 0
        ? `missing required field${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`
        : row.length !== header.length
          ? `expected ${header.length} values, found ${row.length}`
          : undefined,
  }));

  const base = (raw: Record<string, string>) => {
    const time = /^(\d{4})-(\d{2})$/.exec(raw.time ?? '');
    if (!time) throw new RowProblem(`time "${raw.time}" is not YYYY-MM`);
    const commodity = raw[vars.commodity];
    if (commodity !== undefined && commodity !== request.hs)
      throw new RowProblem(`row is for ${vars.commodity} ${commodity}, requested ${request.hs}`);
    for (const f of COUNTRY_VARIABLES) if ((raw[f] ?? '') === '') throw new RowProblem(`missing required field ${f}`);
    const partner = partnerOf(raw.CTY_CODE, raw.CTY_NAME, raw.SUMMARY_LVL, ref);
    return {
      source: 'census',
      year: Number(time[1]),
      reporter_iso3: US_REPORTER,
      reporter_code: US_REPORTER,
      partner_iso3: partner.iso3,
      partner_code: raw.CTY_CODE,
      partner_name: raw.CTY_NAME,
      partner_is_aggregate: partner.aggregate,
      flow: request.flow,
      hs6: request.hs,
      // Census codes are the current HTS / Schedule B: no Comtrade vintage applies.
      hs_vintage: null,
      value_basis: vars.basis,
      quantity: null,
      quantity_unit: null,
      net_weight_kg: null,
      is_estimated: false,
      is_mirror: false,
      is_suppressed: false,
      source_id: CENSUS_SOURCE_ID,
      note: null,
      month: Number(time[2]),
    };
  };
  const value = (raw: Record<string, string>, field: string) => {
    if ((raw[field] ?? '') === '') throw new RowProblem(`missing required field ${field}`);
    return parseNonNegative(raw[field], field);
  };

  const monthly = normalizeRows<TradeFlow>(
    tradeFlows.name,
    origins,
    ({ raw }) => ({ ...base(raw), value_usd: value(raw, vars.monthly) }) as TradeFlow,
  );
  const decembers = monthly.candidates.filter((c) => c.row.month === 12).map((c) => c.origin);
  const annual = normalizeRows<TradeFlow>(
    tradeFlows.name,
    decembers,
    ({ raw }) =>
      ({
        ...base(raw),
        month: 0,
        value_usd: value(raw, vars.ytd),
        note: `annual total = December ${vars.ytd} (year-to-date)`,
      }) as TradeFlow,
  );
  return {
    candidates: [...monthly.candidates, ...annual.candidates.map((c) => ({ ...c, derived: true }))],
    rejects: [...monthly.rejects, ...annual.rejects],
    rowsRead: origins.length,
    rowsDerived: decembers.length,
    warnings: unknown.length > 0 ? [`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} ignored`] : [],
  };
}

export interface CensusScope {
  from: Month;
  to: Month;
  hs: string[];
  flows: Flow[];
}

export interface CensusOptions {
  /** Census API key (query parameter `key`); optional, without one Census allows fewer calls per day. */
  apiKey?: string;
  baseUrl?: string;
}

export function censusUrl(base: string, r: CensusRequest, apiKey?: string): string {
  const vars = FLOW_VARIABLES[r.flow];
  const query = [
    `get=${requestedOf(r.flow).join(',')}`,
    'COMM_LVL=HS6',
    `${vars.commodity}=${r.hs}`,
    `time=${encodeURIComponent(`from ${formatMonth(r.from)} to ${formatMonth(r.to)}`)}`,
    ...(apiKey ? [`key=${encodeURIComponent(apiKey)}`] : []),
  ];
  return `${base}/${vars.endpoint}?${query.join('&')}`;
}

/**
 * One call per flow and HS code over the whole month range (a comma-joined I_COMMODITY comes back as
 * HTTP 204, so codes cannot share a call). The response is authoritative for its flow and code in every
 * month of the range, and for the annual partition of each year whose December is in the range.
 */
export function planCensus(scope: CensusScope, ref: LiveReference, options: CensusOptions = {}): LiveSourcePlan {
  const base = options.baseUrl ?? CENSUS_BASE_URL;
  const months = monthsBetween(scope.from, scope.to);
  const partitions = [
    ...months.map((m) => ({ source: 'census', year: m.year, month: m.month })),
    ...months.filter((m) => m.month === 12).map((m) => ({ source: 'census', year: m.year, month: 0 })),
  ];
  const hintFor = (status: number) =>
    status === 401 || status === 403
      ? 'Census refused the key: check CENSUS_API_KEY (sent as the query parameter key).'
      : status === 400
        ? 'Census rejected the query; check the HS code and the month range (HS6 monthly data start in 2010).'
        : undefined;

  const requests: LiveRequest[] = scope.flows.flatMap((flow) =>
    scope.hs.map((hs): LiveRequest => {
      const request: CensusRequest = { flow, hs, from: scope.from, to: scope.to };
      const url = censusUrl(base, request, options.apiKey);
      const label = `census ${flow === 'M' ? 'imports' : 'exports'} HS ${hs} ${formatMonth(scope.from)}..${formatMonth(scope.to)}`;
      return {
        source: 'census',
        label,
        // Every request covers the same months (one window, split by flow and HS code).
        group: 'census',
        url,
        headers: {},
        fetch: async (ctx: HttpContext): Promise<FetchedResponse[]> => {
          // Parse once while fetching, so a truncated body is retried; rows are built after landing.
          const { response } = await fetchWithRetry(
            ctx,
            { url },
            { source: 'census', parse: (res) => tableOf(res), hintFor },
          );
          return [
            {
              source: 'census',
              key: redactUrl(url),
              file: `census_${flow}_${hs}_${formatMonth(scope.from)}_${formatMonth(scope.to)}.json`,
              status: response.status,
              body: response.body,
              coverage: {
                table: tradeFlows,
                partitions,
                owns: (row) => row.flow === flow && row.hs6 === hs && row.reporter_code === US_REPORTER,
              },
              parse: (rawKey) => parseCensusResponse(response, request, rawKey, ref),
            },
          ];
        },
      };
    }),
  );
  return {
    source: 'census',
    requests,
    citations: [CENSUS_CITATION],
    notices: options.apiKey
      ? []
      : ['census: no CENSUS_API_KEY, calls are anonymous (Census limits keyless use per day)'],
  };
}
