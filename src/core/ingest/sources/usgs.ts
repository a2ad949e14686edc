import { production, type ProductionRow, type SourceRow } from '../../../../data-schemas/curated.ts';
import { InputError } from '../../errors.ts';
import type { HttpResponse } from '../../http/http-client.ts';
import { redactUrl } from '../../http/redact.ts';
import { BadBodyError, fetchWithRetry, type HttpContext } from '../../http/retry.ts';
import { decodeUtf8, parseCsv, type CsvFile } from '../csv.ts';
import type { LiveReference } from '../live-reference.ts';
import { stageOfMeasure, USGS_CHAPTERS } from '../production-rules.ts';
import { checkAmount, normalizeRows, parseDecimal, RowProblem, type Origin } from '../rows.ts';
import { canonicalValue } from '../units.ts';
import { trimText } from '../../spreadsheet.ts';
import type { FetchedResponse, LiveRequest, LiveSourcePlan, Parsed } from './live-source.ts';

/** One per-commodity world-production CSV of an MCS data release. */
export interface UsgsCsv {
  /** Chapter key of USGS_CHAPTERS: 'rare-earths', 'lithium', 'cobalt', 'graphite', 'gallium'. */
  chapter: string;
  /** MCS edition year. */
  edition: number;
  url: string;
}

/**
 * The one world CSV whose address was seen in public code: MCS 2024 cobalt (ScienceBase item
 * 65b7d778d34e36a39045b4af, linked from a public ingest script). ScienceBase file URLs are opaque, so
 * other chapters and editions are configured explicitly (`usgs.csvs`) once their address is checked.
 */
export const DEFAULT_USGS_CSVS: readonly UsgsCsv[] = [
  {
    chapter: 'cobalt',
    edition: 2024,
    url: 'https://www.sciencebase.gov/catalog/file/get/65b7d778d34e36a39045b4af?f=__disk__bb%2F98%2Fbc%2Fbb98bcc2f21d7863294692d7131ee7971aaa1022',
  },
];

/** Data-release DOIs as cited in Our World in Data's etl snapshot metadata for the MCS releases. */
const RELEASE_DOI: Record<number, string> = {
  2022: '10.5066/P9KKMCP4',
  2023: '10.5066/P9WCYUI6',
  2024: '10.5066/P144BA54',
};

const chapterOf = (csv: UsgsCsv) => {
  const chapter = USGS_CHAPTERS[csv.chapter];
  if (!chapter)
    throw new InputError(
      `USGS chapter "${csv.chapter}" is unknown`,
      `Use one of: ${Object.keys(USGS_CHAPTERS).join(', ')}.`,
    );
  return chapter;
};

export const usgsSourceId = (csv: UsgsCsv): string => `USGS_MCS${csv.edition}_DR_${chapterOf(csv).code}`;

export function usgsCitation(csv: UsgsCsv): SourceRow {
  const doi = RELEASE_DOI[csv.edition];
  return {
    source: 'usgs',
    source_id: usgsSourceId(csv),
    topic: 'USGS world production',
    citation: `National Minerals Information Center, ${csv.edition}, U.S. Geological Survey Mineral Commodity Summaries ${csv.edition} Data Release, ${csv.chapter} world production (CSV)${doi ? `, https://doi.org/${doi}` : ''}`,
    url: csv.url,
    where_seen:
      'Fetched by chainwatch from the data release; every file is kept unchanged under raw/usgs/<content hash>/',
    is_secondary: false,
    licence: null,
  };
}

/** `Prod_t_2024`, `Prod_kt_est_2025`, `Reserves_t`: the unit and year are in the column name. */
const PROD_COLUMN = /^Prod_([A-Za-z]+)_(est_)?(\d{4})$/;
const RESERVES_COLUMN = /^Reserves_([A-Za-z]+)$/;
const KNOWN_COLUMNS = new Set(['Source', 'Country', 'Type', 'Prod_notes', 'Reserves_notes']);
/** Column unit token → canonical unit text for canonicalValue, and a factor where the token is a multiple. */
const UNIT_TOKENS: Record<string, { unit: string; factor: number }> = {
  t: { unit: 't', factor: 1 },
  kt: { unit: 't', factor: 1000 },
  kg: { unit: 'kg', factor: 1 },
};

function csvOf(response: HttpResponse, file: string): CsvFile {
  try {
    return parseCsv(decodeUtf8(response.body, file), file);
  } catch (e) {
    // An unclosed quote or an empty file is what a cut-off transfer looks like: fetch again.
    if (e instanceof InputError) throw new BadBodyError(e.message);
    throw e;
  }
}

/**
 * A world CSV → production rows, one per country and value column (each year's production and the
 * reserves). Qualifiers: `_est_` columns are 'e'; 'W' is withheld (value null, never 0); '—' is zero.
 * 'World total (rounded)' and 'Other countries' are aggregates (WLD, OTH).
 */
export function parseUsgsCsv(csvText: CsvFile, source: UsgsCsv, ref: LiveReference): Parsed {
  const chapter = chapterOf(source);
  const sourceId = usgsSourceId(source);
  const header = csvText.header;
  const prodColumns = header.filter((h) => PROD_COLUMN.test(h));
  const reservesColumn = header.find((h) => RESERVES_COLUMN.test(h));
  const unknown = header.filter((h) => !KNOWN_COLUMNS.has(h) && !PROD_COLUMN.test(h) && !RESERVES_COLUMN.test(h));
  const missing = ['Country', 'Type'].filter((h) => !header.includes(h));
  // An edition reports years before its own; reserves are dated by the latest of those.
  const latestYear = Math.max(
    ...prodColumns.map((c) => Number(PROD_COLUMN.exec(c)![3])).filter((y) => y <= source.edition),
  );

  // Melt: one origin per country and non-empty value cell; a record that cannot be read is one origin
  // with its problem, so every record of the file is accounted for (even with no value column at all).
  const origins: Origin[] = [];
  for (const record of csvText.records) {
    const problem =
      missing.length > 0
        ? `missing required field${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`
        : prodColumns.length === 0
          ? 'no Prod_<unit>_<year> column in the file'
          : record.fieldCountError;
    if (problem) {
      origins.push({ file: csvText.file, line: record.line, raw: record.values, problem });
      continue;
    }
    for (const column of [...prodColumns, ...(reservesColumn ? [reservesColumn] : [])]) {
      const value = (record.values[column] ?? '').trim();
      if (value === '' || value === 'NA') continue;
      const { Country = '', Type = '' } = record.values;
      const notes = column === reservesColumn ? record.values.Reserves_notes : record.values.Prod_notes;
      origins.push({
        file: csvText.file,
        line: record.line,
        raw: { Country, Type, column, value, notes: notes ?? '' },
      });
    }
  }

  const normalized = normalizeRows<ProductionRow>(production.name, origins, ({ raw }) => {
    const name = raw.Country.replace(/\d+$/, '').trim();
    const geo = /^world total/i.test(name)
      ? 'WLD'
      : /^other( countries)?$/i.test(name)
        ? 'OTH'
        : ref.byName.get(name.toLowerCase());
    if (!geo) throw new RowProblem(`unknown USGS country name "${name}"`);
    const prod = PROD_COLUMN.exec(raw.column);
    const token = prod ? prod[1] : RESERVES_COLUMN.exec(raw.column)![1];
    const unitRule = UNIT_TOKENS[token];
    if (!unitRule)
      throw new RowProblem(
        `unit "${token}" of column ${raw.column} is not one of ${Object.keys(UNIT_TOKENS).join(', ')}`,
      );
    const measure = prod ? (/mine production/i.test(raw.Type) ? 'mine_production' : undefined) : 'reserves';
    if (!measure)
      throw new RowProblem(
        `USGS type "${raw.Type}" is not mine production; only mine production and reserves are ingested`,
      );

    let qualifier: string | null = prod?.[2] ? 'e' : null;
    let amount: number | null;
    const notes = [trimText(raw.notes) || null];
    if (raw.value === 'W') {
      amount = null;
      qualifier = 'W';
    } else if (/^[—–-]$/.test(raw.value)) {
      amount = 0;
      notes.push("USGS '—' (zero) stored as 0");
    } else {
      const more = raw.value.startsWith('>');
      amount = checkAmount(parseDecimal(raw.value.replace(/^>/, '').replace(/,/g, ''), raw.column), raw.column);
      if (more) qualifier = '>';
    }
    const reo = unitRule.unit === 't' && /rare-earth-oxide|\bREO\b/i.test(raw.Type);
    const v = canonicalValue(amount === null ? null : amount * unitRule.factor, reo ? 't_REO' : unitRule.unit);
    if (unitRule.factor !== 1) notes.push(`value converted from ${token} (×${unitRule.factor})`);
    const year = prod ? Number(prod[3]) : latestYear;
    if (!Number.isFinite(year) || year > source.edition) {
      throw new RowProblem(`${raw.column}: no year at or before the MCS ${source.edition} edition that publishes it`);
    }
    return {
      source: 'usgs',
      sector: chapter.sector,
      commodity: chapter.commodity,
      stage: stageOfMeasure(measure),
      measure,
      geo_iso3: geo,
      geo_name: name,
      geo_is_aggregate: geo === 'WLD' || geo === 'OTH' || (ref.byIso3.get(geo)?.is_aggregate ?? false),
      period: String(year),
      year,
      value: v.value,
      unit: v.unit,
      unit_detail: trimText(raw.Type) || null,
      qualifier,
      is_projection: false,
      source_id: sourceId,
      note: notes.filter((n): n is string => n !== null).join('; ') || null,
    };
  });
  return {
    ...normalized,
    rowsRead: origins.length,
    rowsDerived: 0,
    warnings:
      unknown.length > 0 ? [`unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} ignored`] : [],
  };
}

export interface UsgsOptions {
  csvs?: readonly UsgsCsv[];
}

/** One call per configured CSV; each is authoritative for its own source_id in its sector's partition. */
export function planUsgs(ref: LiveReference, options: UsgsOptions = {}): LiveSourcePlan {
  const csvs = options.csvs ?? DEFAULT_USGS_CSVS;
  const requests: LiveRequest[] = csvs.map((csv): LiveRequest => {
    const chapter = chapterOf(csv);
    const sourceId = usgsSourceId(csv);
    const file = `mcs${csv.edition}_${csv.chapter}_world.csv`;
    return {
      source: 'usgs',
      label: `usgs MCS ${csv.edition} ${csv.chapter} world production`,
      // Chapters of one sector share its partition; the files are small, so all are one group.
      group: 'usgs',
      url: csv.url,
      headers: {},
      fetch: async (ctx: HttpContext): Promise<FetchedResponse[]> => {
        const { response, value } = await fetchWithRetry(
          ctx,
          { url: csv.url },
          { source: 'usgs', parse: (res) => csvOf(res, file) },
        );
        return [
          {
            source: 'usgs',
            key: redactUrl(csv.url),
            file,
            status: response.status,
            body: response.body,
            coverage: {
              table: production,
              partitions: [{ source: 'usgs', sector: chapter.sector }],
              owns: (row) => row.source_id === sourceId,
            },
            parse: (rawKey) => parseUsgsCsv({ ...value, file: rawKey }, csv, ref),
          },
        ];
      },
    };
  });
  return { source: 'usgs', requests, citations: csvs.map(usgsCitation), notices: [] };
}
