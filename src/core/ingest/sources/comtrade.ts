import { z } from 'zod';
import { FLOWS, tradeFlows, type SourceRow, type TradeFlow } from '../../../../data-schemas/curated.ts';
import { SourceError } from '../../errors.ts';
import type { HttpResponse } from '../../http/http-client.ts';
import { jsonBody } from '../../http/json-body.ts';
import { eachElement, InvalidElement, scanJsonEnvelope, type JsonEnvelope } from '../../http/json-envelope.ts';
import { pacer } from '../../http/pace.ts';
import { redactUrl } from '../../http/redact.ts';
import { fetchWithRetry, type HttpContext } from '../../http/retry.ts';
import type { LiveReference } from '../live-reference.ts';
import { checkAmount, MAX_FIELD_CHARS, normalizeRow, overLong, RowProblem, type Origin } from '../rows.ts';
import { TAIWAN_NOTE } from '../trade.ts';
import type { FetchedResponse, LiveRequest, LiveSourcePlan, Parsed } from './live-source.ts';

type Flow = (typeof FLOWS)[number];

const COMTRADE_SOURCE_ID = 'COMTRADE_API_V1';
export const COMTRADE_BASE_URL = 'https://comtradeapi.un.org';
/** Records per call: the keyless preview returns at most 500; the subscription API allows 100,000. */
const PREVIEW_RECORD_LIMIT = 500;
const KEYED_RECORD_LIMIT = 100_000;
/** One call per second keeps a free subscription clear of its per-second throttle. */
const COMTRADE_MIN_INTERVAL_MS = 1_000;

export const COMTRADE_CITATION: SourceRow = {
  source: 'comtrade',
  source_id: COMTRADE_SOURCE_ID,
  topic: 'Trade flows',
  citation:
    'United Nations Statistics Division, UN Comtrade database, API v1 (final data, HS as reported; partner2Code 0, customsCode C00, motCode 0)',
  url: `${COMTRADE_BASE_URL}/`,
  where_seen: 'Fetched by chainwatch from the API; every response is kept unchanged under raw/comtrade/<content hash>/',
  is_secondary: false,
  licence: null,
};

/** The 47 record fields of a Comtrade v1 data response, in API order (docs/api-shapes A1). */
export const COMTRADE_FIELDS = [
  'typeCode',
  'freqCode',
  'refPeriodId',
  'refYear',
  'refMonth',
  'period',
  'reporterCode',
  'reporterISO',
  'reporterDesc',
  'flowCode',
  'flowDesc',
  'partnerCode',
  'partnerISO',
  'partnerDesc',
  'partner2Code',
  'partner2ISO',
  'partner2Desc',
  'classificationCode',
  'classificationSearchCode',
  'isOriginalClassification',
  'cmdCode',
  'cmdDesc',
  'aggrLevel',
  'isLeaf',
  'customsCode',
  'customsDesc',
  'mosCode',
  'motCode',
  'motDesc',
  'qtyUnitCode',
  'qtyUnitAbbr',
  'qty',
  'isQtyEstimated',
  'altQtyUnitCode',
  'altQtyUnitAbbr',
  'altQty',
  'isAltQtyEstimated',
  'netWgt',
  'isNetWgtEstimated',
  'grossWgt',
  'isGrossWgtEstimated',
  'cifvalue',
  'fobvalue',
  'primaryValue',
  'legacyEstimationFlag',
  'isReported',
  'isAggregate',
] as const;
const KNOWN_FIELDS = new Set<string>(COMTRADE_FIELDS);
const ENVELOPE_FIELDS = new Set(['elapsedTime', 'count', 'data', 'error']);

const opt = <T extends z.ZodType>(t: T) => t.nullable().optional();
/** The fields chainwatch reads. The required ones must be present; a record without one is quarantined. */
const comtradeRecord = z.object({
  freqCode: z.enum(['A', 'M']),
  refYear: z.int(),
  refMonth: z.int(),
  reporterCode: z.int(),
  flowCode: z.string(),
  partnerCode: z.int(),
  partner2Code: z.int(),
  classificationCode: z.string(),
  cmdCode: z.string(),
  customsCode: z.string(),
  motCode: z.int(),
  primaryValue: z.number(),
  partnerDesc: opt(z.string()),
  qtyUnitCode: opt(z.int()),
  qtyUnitAbbr: opt(z.string()),
  qty: opt(z.number()),
  isQtyEstimated: opt(z.boolean()),
  netWgt: opt(z.number()),
  isNetWgtEstimated: opt(z.boolean()),
  cifvalue: opt(z.number()),
  fobvalue: opt(z.number()),
  isReported: opt(z.boolean()),
});
type ComtradeRecord = z.infer<typeof comtradeRecord>;
const REQUIRED_FIELDS = Object.entries(comtradeRecord.shape)
  .filter(([, t]) => !(t as z.ZodType).safeParse(undefined).success)
  .map(([name]) => name);

/**
 * A read envelope `{elapsedTime, count, data, error}`; with countOnly, `data` is one object of nulls.
 * The records are located, not parsed: `parseComtradeRecords` parses them a batch at a time.
 */
export interface ComtradeEnvelope {
  count: number;
  /** Records in `data`. */
  recordCount: number;
  records?: NonNullable<JsonEnvelope['array']>;
  countOnly: boolean;
  warnings: string[];
}

const notAnEnvelope = (body: unknown) =>
  new SourceError(
    `Comtrade answered with JSON that is not a data envelope: ${JSON.stringify(body).slice(0, 200)}`,
    'The API shape may have changed; compare with docs (elapsedTime, count, data, error) and update src/core/ingest/sources/comtrade.ts.',
  );

/**
 * Read the envelope. A non-empty `error` is the API saying no (not retried); a body that is JSON but
 * not an envelope is a changed API, also not retried. HTTP 204 or an empty body is an empty result.
 */
export function parseComtradeEnvelope(response: HttpResponse): ComtradeEnvelope {
  if (response.status === 204 || response.body.length === 0)
    return { count: 0, recordCount: 0, countOnly: false, warnings: [] };
  const scanned = scanJsonEnvelope(response.body, 'data');
  // Not an object: read it whole, for a retry if it is broken or for the message if it is other JSON.
  if (!scanned) throw notAnEnvelope(jsonBody(response));
  const env = scanned.members;
  if (!scanned.array && !('data' in env)) throw notAnEnvelope(env);
  if (typeof env.error === 'string' && env.error.trim() !== '') {
    throw new SourceError(
      `Comtrade returned an error: ${env.error.trim()}`,
      'Check the reporter, period and HS codes (the keyless preview allows one period per call).',
    );
  }
  const extra = [...Object.keys(env), ...(scanned.array ? ['data'] : [])].filter((k) => !ENVELOPE_FIELDS.has(k));
  const warnings =
    extra.length > 0 ? [`unknown envelope field${extra.length > 1 ? 's' : ''} ${extra.join(', ')} ignored`] : [];
  const count = typeof env.count === 'number' ? env.count : 0;
  if (scanned.array)
    return { count, recordCount: scanned.array.offsets.length / 2, records: scanned.array, countOnly: false, warnings };
  if (typeof env.data === 'object' && env.data !== null) return { count, recordCount: 0, countOnly: true, warnings };
  throw new SourceError(
    `Comtrade envelope has data of type ${env.data === null ? 'null' : typeof env.data}`,
    'The API shape may have changed; update src/core/ingest/sources/comtrade.ts.',
  );
}

const text = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

/** The valuation basis of primaryValue: whichever of cifvalue / fobvalue it equals (Comtrade takes CIF when present). */
function valueBasis(r: ComtradeRecord): TradeFlow['value_basis'] {
  if (r.cifvalue != null && r.cifvalue === r.primaryValue) return 'CIF';
  if (r.fobvalue != null && r.fobvalue === r.primaryValue) return 'FOB';
  return 'unknown';
}

interface ComtradeChunk {
  freq: 'A' | 'M';
  /** 'YYYY' or 'YYYYMM': one period per call, because the preview refuses several (HTTP 400). */
  period: string;
  reporters: string[];
  cmdCodes: string[];
  flows: Flow[];
}

/** Year and month partition of a chunk (annual rows have month 0). */
const partitionOf = (c: ComtradeChunk) => ({
  source: 'comtrade',
  year: Number(c.period.slice(0, 4)),
  month: c.freq === 'A' ? 0 : Number(c.period.slice(4, 6)),
});

/**
 * One Comtrade record → a trade_flows row, or a RowProblem with the reason. Partners map to ISO3
 * through countries.csv (490 → TWN with a note); aggregates (World 0, areas nes, groups) are flagged
 * from that table, the authority built from Comtrade's isGroup list. The record's own `isAggregate`
 * is not used for this: it says UNSD summed the record over breakdowns (true even for Brazil→China).
 */
export function normalizeComtradeRecord(record: Record<string, unknown>, ref: LiveReference): TradeFlow {
  const missing = REQUIRED_FIELDS.filter((f) => !(f in record) || record[f] === undefined);
  if (missing.length > 0)
    throw new RowProblem(`missing required field${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  const parsed = comtradeRecord.safeParse(record);
  if (!parsed.success)
    throw new RowProblem(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const r = parsed.data;
  if (r.partner2Code !== 0 || r.customsCode !== 'C00' || r.motCode !== 0) {
    throw new RowProblem(
      `breakdown row (partner2Code ${r.partner2Code}, customsCode ${r.customsCode}, motCode ${r.motCode}); only the totals 0/C00/0 are kept, summing breakdowns double-counts`,
    );
  }
  if (!(FLOWS as readonly string[]).includes(r.flowCode)) throw new RowProblem(`flowCode ${r.flowCode} is not M or X`);
  if (!/^\d{6}$/.test(r.cmdCode)) throw new RowProblem(`cmdCode ${r.cmdCode} is not an HS6 code`);
  if (r.freqCode === 'A' && r.refMonth !== 52)
    throw new RowProblem(`annual record with refMonth ${r.refMonth} (annual rows carry 52)`);
  if (r.freqCode === 'M' && (r.refMonth < 1 || r.refMonth > 12))
    throw new RowProblem(`monthly record with refMonth ${r.refMonth}`);
  checkAmount(r.primaryValue, 'primaryValue');
  const reporter = ref.byComtradeCode.get(String(r.reporterCode));
  if (!reporter)
    throw new RowProblem(
      `unknown Comtrade reporter code ${r.reporterCode}: not in data-schemas/reference/countries.csv`,
    );
  const partner = ref.byComtradeCode.get(String(r.partnerCode));
  if (!partner)
    throw new RowProblem(
      `unknown Comtrade partner code ${r.partnerCode} (${r.partnerDesc ?? 'no name'}): not in data-schemas/reference/countries.csv`,
    );
  const notes = [
    r.partnerCode === 490 ? TAIWAN_NOTE : null,
    r.isReported === false ? 'Comtrade isReported=false (compiled by UNSD, not as reported)' : null,
    r.isQtyEstimated ? 'quantity estimated' : null,
    r.isNetWgtEstimated ? 'net weight estimated' : null,
  ].filter((n): n is string => n !== null);
  return {
    source: 'comtrade',
    year: r.refYear,
    month: r.freqCode === 'A' ? 0 : r.refMonth,
    reporter_iso3: reporter.iso3,
    reporter_code: String(r.reporterCode),
    partner_iso3: partner.iso3,
    partner_code: String(r.partnerCode),
    partner_name: r.partnerDesc ?? partner.name,
    partner_is_aggregate: partner.is_aggregate,
    flow: r.flowCode as Flow,
    hs6: r.cmdCode,
    hs_vintage: r.classificationCode,
    value_usd: r.primaryValue,
    value_basis: valueBasis(r),
    // Comtrade reports unknown quantities as 0 or -1 with unit code -1.
    quantity: r.qty != null && r.qty > 0 && r.qtyUnitCode !== -1 ? r.qty : null,
    quantity_unit: r.qty != null && r.qty > 0 && r.qtyUnitAbbr && r.qtyUnitAbbr !== 'N/A' ? r.qtyUnitAbbr : null,
    net_weight_kg: r.netWgt != null && r.netWgt > 0 ? r.netWgt : null,
    // Comtrade v1 has no flag for an estimated value; quantity estimates are kept in the note.
    is_estimated: false,
    is_mirror: false,
    is_suppressed: false,
    source_id: COMTRADE_SOURCE_ID,
    note: notes.length > 0 ? notes.join('; ') : null,
  };
}

/**
 * The origin of a record; its fields not in the API's list are added to `unknown`. The text copy
 * (`raw`) is built on first use: only a reject shows it, and building 47 strings per record for a
 * reply of 80,000 records was most of a keyed ingest's time. Only text and nested values can be
 * over-long, so only those are measured.
 */
function recordOrigin(file: string, line: number, record: Record<string, unknown>, unknown: Set<string>): Origin {
  let problem: string | undefined;
  for (const k in record) {
    if (!KNOWN_FIELDS.has(k)) unknown.add(k);
    const v = record[k];
    const long = typeof v === 'string' ? v : typeof v === 'object' && v !== null ? text(v) : '';
    if (long.length > MAX_FIELD_CHARS) problem ??= overLong([[k, long]]);
  }
  let raw: Record<string, string> | undefined;
  return {
    file,
    line,
    get raw() {
      raw ??= Object.fromEntries(Object.entries(record).map(([k, v]) => [k, text(v)]));
      return raw;
    },
    problem,
    lengthsChecked: true,
  };
}

/** A data response → rows and rejects; unknown record fields are tolerated and reported once. */
export function parseComtradeRecords(envelope: ComtradeEnvelope, rawKey: string, ref: LiveReference): Parsed {
  const unknown = new Set<string>();
  const out: Parsed = {
    candidates: [],
    rejects: [],
    rowsRead: envelope.recordCount,
    rowsDerived: 0,
    warnings: [...envelope.warnings],
  };
  if (envelope.records) {
    // Normalized as they are parsed, a batch at a time: the records a batch holds are dropped with it.
    eachElement(envelope.records, (record, i) => {
      const origin: Origin =
        record instanceof InvalidElement
          ? {
              file: rawKey,
              line: i + 1,
              raw: { record: record.text },
              problem: `record is not valid JSON: ${record.message}`,
            }
          : typeof record !== 'object' || record === null || Array.isArray(record)
            ? { file: rawKey, line: i + 1, raw: { record: text(record) }, problem: 'record is not an object' }
            : recordOrigin(rawKey, i + 1, record as Record<string, unknown>, unknown);
      normalizeRow(tradeFlows.name, origin, () => normalizeComtradeRecord(record as Record<string, unknown>, ref), out);
    });
  }
  if (unknown.size > 0)
    out.warnings.push(`unknown record field${unknown.size > 1 ? 's' : ''} ${[...unknown].sort().join(', ')} ignored`);
  return out;
}

export interface ComtradeScope {
  freq: 'A' | 'M';
  periods: string[];
  /** Comtrade reporter codes, e.g. '842' (USA). */
  reporters: string[];
  hs: string[];
  flows: Flow[];
}

export interface ComtradeOptions {
  /** Subscription key; without one the keyless preview endpoint is used. */
  apiKey?: string;
  baseUrl?: string;
  recordLimit?: number;
  minIntervalMs?: number;
}

function chunkUrl(base: string, keyed: boolean, c: ComtradeChunk, limit: number, countOnly: boolean): string {
  const path = keyed ? `/data/v1/get/C/${c.freq}/HS` : `/public/v1/preview/C/${c.freq}/HS`;
  const query = [
    ['reporterCode', c.reporters.join(',')],
    ['period', c.period],
    ['partner2Code', '0'],
    ['cmdCode', c.cmdCodes.join(',')],
    ['flowCode', c.flows.join(',')],
    ['customsCode', 'C00'],
    ['motCode', '0'],
    ['maxRecords', String(limit)],
    ['includeDesc', 'True'],
    ...(countOnly ? [['countOnly', 'true']] : []),
  ];
  return `${base}${path}?${query.map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2C/g, ',')}`).join('&')}`;
}

const splittable = (c: ComtradeChunk) => c.cmdCodes.length > 1 || c.reporters.length > 1 || c.flows.length > 1;

/** Halve the widest dimension that can be halved: HS codes first, then reporters, then flows. */
function splitChunk(c: ComtradeChunk): [ComtradeChunk, ComtradeChunk] {
  const halves = <T>(xs: T[]): [T[], T[]] => [
    xs.slice(0, Math.ceil(xs.length / 2)),
    xs.slice(Math.ceil(xs.length / 2)),
  ];
  if (c.cmdCodes.length > 1) {
    const [a, b] = halves(c.cmdCodes);
    return [
      { ...c, cmdCodes: a },
      { ...c, cmdCodes: b },
    ];
  }
  if (c.reporters.length > 1) {
    const [a, b] = halves(c.reporters);
    return [
      { ...c, reporters: a },
      { ...c, reporters: b },
    ];
  }
  const [a, b] = halves(c.flows);
  return [
    { ...c, flows: a },
    { ...c, flows: b },
  ];
}

const describe = (c: ComtradeChunk) =>
  `comtrade ${c.freq} ${c.period} reporter ${c.reporters.join(',')} flow ${c.flows.join(',')} HS ${c.cmdCodes.length === 1 ? c.cmdCodes[0] : `${c.cmdCodes.length} codes`}`;

/** A list in a file name: one value as is, several as a count and the first (all ~200 reporters would pass the 255-byte name limit). */
const listPart = (values: readonly string[], noun: string) =>
  values.length === 1 ? values[0] : `${values.length}${noun}-${values[0]}`;
const fileOf = (c: ComtradeChunk) =>
  `comtrade_${c.freq}_${c.period}_r${listPart(c.reporters, 'reporters')}_${c.flows.join('')}_${listPart(c.cmdCodes, 'codes')}.json`;

/**
 * Plan Comtrade calls for a scope. With a key: one call per period for all reporters, HS codes and
 * flows, sized first with `countOnly` and halved until each part fits the record limit. Without a key:
 * the preview, one reporter × code × flow × period per call (its 500-record cap fits one product's
 * partners); a reply that still reaches the cap is refused rather than kept cut off.
 */
export function planComtrade(scope: ComtradeScope, ref: LiveReference, options: ComtradeOptions = {}): LiveSourcePlan {
  const keyed = options.apiKey !== undefined && options.apiKey !== '';
  const base = options.baseUrl ?? COMTRADE_BASE_URL;
  const limit = options.recordLimit ?? (keyed ? KEYED_RECORD_LIMIT : PREVIEW_RECORD_LIMIT);
  const headers: Record<string, string> = keyed ? { 'Ocp-Apim-Subscription-Key': options.apiKey! } : {};
  const pacers = new WeakMap<HttpContext, () => Promise<void>>();
  const paced = (ctx: HttpContext) => {
    if (!pacers.has(ctx)) pacers.set(ctx, pacer(options.minIntervalMs ?? COMTRADE_MIN_INTERVAL_MS, ctx));
    return pacers.get(ctx)!();
  };
  const hintFor = (status: number) =>
    status === 401 || status === 403
      ? keyed
        ? 'Comtrade refused the subscription key: check COMTRADE_API_KEY (sent as header Ocp-Apim-Subscription-Key).'
        : 'The keyless preview refused the call; set COMTRADE_API_KEY to use the subscription API.'
      : status === 400
        ? 'Comtrade rejected the query; narrow --from/--to or --hs (the preview takes one period per call).'
        : undefined;

  const get = async (ctx: HttpContext, c: ComtradeChunk, countOnly: boolean) => {
    await paced(ctx);
    return fetchWithRetry(
      ctx,
      { url: chunkUrl(base, keyed, c, limit, countOnly), headers },
      { source: 'comtrade', parse: parseComtradeEnvelope, hintFor },
    );
  };

  const fetchChunk = async (ctx: HttpContext, c: ComtradeChunk): Promise<FetchedResponse[]> => {
    const splitAndFetch = async () => {
      const out: FetchedResponse[] = [];
      for (const part of splitChunk(c)) out.push(...(await fetchChunk(ctx, part)));
      return out;
    };
    if (splittable(c)) {
      const { value } = await get(ctx, c, true);
      if (value.count > limit) return splitAndFetch();
    }
    const { response, value } = await get(ctx, c, false);
    if (value.recordCount >= limit) {
      if (splittable(c)) return splitAndFetch();
      throw new SourceError(
        `${describe(c)} returned ${value.recordCount} records, the limit of one call: the reply may be cut off`,
        keyed
          ? 'Raise recordLimit or narrow the request; this should not happen for one reporter, code, flow and period.'
          : 'Set COMTRADE_API_KEY: the keyless preview returns at most 500 records per call.',
      );
    }
    const url = chunkUrl(base, keyed, c, limit, false);
    const owned = { reporters: new Set(c.reporters), hs: new Set(c.cmdCodes), flows: new Set<string>(c.flows) };
    return [
      {
        source: 'comtrade',
        key: redactUrl(url),
        file: fileOf(c),
        status: response.status,
        body: response.body,
        coverage: {
          table: tradeFlows,
          partitions: [partitionOf(c)],
          owns: (row) =>
            owned.reporters.has(row.reporter_code as string) &&
            owned.hs.has(row.hs6 as string) &&
            owned.flows.has(row.flow as string),
        },
        parse: (rawKey) => parseComtradeRecords(value, rawKey, ref),
      },
    ];
  };

  const chunks: ComtradeChunk[] = keyed
    ? scope.periods.map((period) => ({
        freq: scope.freq,
        period,
        reporters: scope.reporters,
        cmdCodes: scope.hs,
        flows: scope.flows,
      }))
    : scope.periods.flatMap((period) =>
        scope.reporters.flatMap((reporter) =>
          scope.hs.flatMap((hs) =>
            scope.flows.map((flow) => ({
              freq: scope.freq,
              period,
              reporters: [reporter],
              cmdCodes: [hs],
              flows: [flow],
            })),
          ),
        ),
      );
  const requests: LiveRequest[] = chunks.map((c) => ({
    source: 'comtrade',
    label: describe(c),
    group: `${c.freq}-${c.period}`,
    url: chunkUrl(base, keyed, c, limit, false),
    headers,
    fetch: (ctx) => fetchChunk(ctx, c),
  }));
  return {
    source: 'comtrade',
    requests,
    citations: [COMTRADE_CITATION],
    notices: keyed
      ? []
      : [
          `comtrade: no COMTRADE_API_KEY, using the keyless preview (${PREVIEW_RECORD_LIMIT} records per call, one product per call)`,
        ],
  };
}
