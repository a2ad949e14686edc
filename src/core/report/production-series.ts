import type { ProductionShareRow } from '../../../data-schemas/index.ts';

/**
 * Stages whose production_shares are shares of a world total. Trade-stage measures (shares of US
 * imports, net import reliance) are published percentages of something else; they stay in the
 * published-figures table and are never drawn as "share of world".
 */
const WORLD_SHARE_STAGES = ['mining', 'refining', 'manufacturing', 'reserves', 'demand'];
const STAGE_ORDER = ['mining', 'refining', 'manufacturing', 'demand', 'reserves'];

export interface ShareSeriesGroup {
  commodity: string;
  measure: string;
  stage: string;
  /** All sources of this commodity and measure; each source stays its own series. */
  rows: ProductionShareRow[];
}

export interface WorldShareSeries {
  groups: ShareSeriesGroup[];
  /** `commodity|measure` keys left out because another measure name carries the very same rows. */
  duplicates: Set<string>;
}

export const seriesKey = (r: { commodity: string; measure: string }): string => `${r.commodity}|${r.measure}`;

/**
 * The world-share series of a sector, one group per commodity and measure. Source files sometimes
 * publish the same table under two measure names (USGS "cobalt_mine_production" and
 * "mine_production"); such groups are drawn once, under the shorter name.
 */
function worldShareSeries(rows: readonly ProductionShareRow[], sector: string): WorldShareSeries {
  const groups = new Map<string, ShareSeriesGroup>();
  for (const r of rows) {
    if (r.sector !== sector || !WORLD_SHARE_STAGES.includes(r.stage)) continue;
    const key = seriesKey(r);
    const g = groups.get(key) ?? { commodity: r.commodity, measure: r.measure, stage: r.stage, rows: [] };
    g.rows.push(r);
    groups.set(key, g);
  }
  const signature = (g: ShareSeriesGroup) =>
    g.commodity +
    '\n' +
    g.rows
      .map((r) => [r.source_id, r.geo_iso3, r.year, r.value].join('|'))
      .sort()
      .join('\n');
  const kept = new Map<string, ShareSeriesGroup>();
  const duplicates = new Set<string>();
  const byPreference = [...groups.values()].sort(
    (a, b) => a.measure.length - b.measure.length || a.measure.localeCompare(b.measure),
  );
  for (const g of byPreference) {
    const sig = signature(g);
    if (kept.has(sig)) duplicates.add(seriesKey(g));
    else kept.set(sig, g);
  }
  return { groups: [...kept.values()].sort(compareSeries), duplicates };
}

const stageRank = (s: string) => STAGE_ORDER.indexOf(s);

/** The order series are listed and drawn in: by commodity, supply-chain stage, measure. */
export const compareSeries = (
  a: Pick<ShareSeriesGroup, 'commodity' | 'stage' | 'measure'>,
  b: Pick<ShareSeriesGroup, 'commodity' | 'stage' | 'measure'>,
): number =>
  a.commodity.localeCompare(b.commodity) ||
  stageRank(a.stage) - stageRank(b.stage) ||
  a.measure.localeCompare(b.measure);

/** Fewer figures than this make a poor chart; they stay in the sector's published-figures table instead. */
const MIN_CHART_ROWS = 3;

/** A sector's world-share series, those that get a chart (on their commodity's production page), and the keys left out as duplicates. */
export function drawnSeries(
  rows: readonly ProductionShareRow[],
  sector: string,
): WorldShareSeries & { drawn: ShareSeriesGroup[] } {
  const { groups, duplicates } = worldShareSeries(rows, sector);
  return { groups, drawn: groups.filter((g) => g.rows.length >= MIN_CHART_ROWS), duplicates };
}
