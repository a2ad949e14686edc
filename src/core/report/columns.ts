/**
 * Column names in words. Chart rows keep the lake's column names (the CSV and JSON downloads are for
 * analysts); what a reader sees or a screen reader reads — a chart's data table, the marks' spoken
 * descriptions — uses these labels instead. A column not listed reads as its words ("cr3" → "Cr3"),
 * never as an identifier with underscores.
 */
const LABELS: Record<string, string> = {
  year: 'Year',
  product: 'Product',
  hs6: 'HS code',
  rank: 'Rank',
  series_rank: 'Rank',
  value_usd: 'Imports (US dollars)',
  share: 'Share',
  hhi: 'HHI (0–1)',
  cr3: 'Top-3 share',
  partner_iso3: 'Country code',
  partner_name: 'Supplier',
  geo_iso3: 'Country code',
  geo_name: 'Country',
  source_id: 'Source',
  measure: 'Measure',
  series: 'Series',
  commodity: 'Commodity',
  stage: 'Stage',
  bar: 'Bar',
};

export const columnLabel = (column: string): string => {
  const words = LABELS[column] ?? column.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** An identifier-like value (a measure or commodity name) in words: "mine_production" → "mine production". */
export const plainWords = (value: string): string => value.replace(/_/g, ' ');
