import type { STAGES } from '../../../data-schemas/curated.ts';
import { RowProblem } from './rows.ts';

type Stage = (typeof STAGES)[number];

/** Tidy-file `dataset` → basket sector (the production partition). */
const SECTOR_OF_DATASET: Record<string, string> = {
  semiconductor_fab_capacity: 'semiconductors',
  rare_earths: 'rare_earths',
  ev_batteries: 'ev_batteries',
  medical_supplies: 'medical_supplies',
};

export function sectorOfDataset(dataset: string): string {
  const sector = SECTOR_OF_DATASET[dataset];
  if (!sector)
    throw new RowProblem(`unknown dataset "${dataset}"; known: ${Object.keys(SECTOR_OF_DATASET).join(', ')}`);
  return sector;
}

/**
 * Measure (indicator) → supply-chain stage, first match wins. This is the one place the mapping lives:
 *
 * | measure contains                              | stage         | e.g.                                             |
 * |-----------------------------------------------|---------------|--------------------------------------------------|
 * | reserves                                      | reserves      | reserves, lithium_reserves                       |
 * | mine_production, _concentrates                | mining        | mine_production, us_production_mineral_concentrates |
 * | low_purity_production                         | refining      | USGS gallium low-purity primary production       |
 * | import, export, shipments                     | trade         | us_import_source_share_*, us_net_import_reliance_* |
 * | demand, consumption                           | demand        | ev_battery_demand, us_apparent_consumption_*     |
 * | capacity, production, supply, logic, capex    | manufacturing | fab_capacity_share, ev_battery_production        |
 */
const STAGE_RULES: readonly [RegExp, Stage][] = [
  [/reserves/, 'reserves'],
  [/mine_production|_concentrates$/, 'mining'],
  [/low_purity_production/, 'refining'],
  [/import|export|shipments/, 'trade'],
  [/demand|consumption/, 'demand'],
  [/capacity|production|supply|logic|capex/, 'manufacturing'],
];

export function stageOfMeasure(measure: string): Stage {
  const rule = STAGE_RULES.find(([re]) => re.test(measure));
  if (!rule)
    throw new RowProblem(
      `no supply-chain stage rule matches measure "${measure}"; add one to STAGE_RULES in src/core/ingest/production-rules.ts`,
    );
  return rule[1];
}

/**
 * Commodity of a tidy-file row: named by the indicator's prefix where the sector file mixes several
 * (lithium, cobalt, graphite, batteries; masks vs PPE), else the sector's single commodity.
 */
const COMMODITY_RULES: readonly [RegExp, string][] = [
  [/^lithium_/, 'lithium'],
  [/^cobalt_/, 'cobalt'],
  [/^graphite_/, 'natural_graphite'],
  [/battery/, 'li_ion_batteries'],
  [/(^|_)ppe(_|$)/, 'ppe'],
  [/mask/, 'face_masks'],
];
const COMMODITY_OF_SECTOR: Record<string, string> = { semiconductors: 'chips', rare_earths: 'rare_earths' };

export function commodityOf(sector: string, indicator: string): string {
  const rule = COMMODITY_RULES.find(([re]) => re.test(indicator));
  const commodity = rule?.[1] ?? COMMODITY_OF_SECTOR[sector];
  if (!commodity)
    throw new RowProblem(
      `no commodity rule matches indicator "${indicator}" in sector ${sector}; add one to COMMODITY_RULES in src/core/ingest/production-rules.ts`,
    );
  return commodity;
}

/**
 * The sector files prefix a few USGS measures with their commodity (`lithium_mine_production`),
 * while the USGS world-production file names the same series `mine_production`. One measure name
 * per series lets the two copies of a figure deduplicate and keeps each series in one chart.
 */
export const canonicalMeasure = (indicator: string): string =>
  indicator.replace(/^(lithium|cobalt|graphite_natural)_(mine_production|reserves)$/, '$2');

/**
 * The USGS MCS world-production file names its commodity by the chapter folder of `source_path`.
 * `code` is the suffix of the chapter's source_id (USGS_MCS<edition>_<code>); gallium is filed under
 * semiconductors because the basket has no separate sector for chip materials.
 */
export const USGS_CHAPTERS: Record<string, { sector: string; commodity: string; code: string }> = {
  'rare-earths': { sector: 'rare_earths', commodity: 'rare_earths', code: 'REE' },
  lithium: { sector: 'ev_batteries', commodity: 'lithium', code: 'LI' },
  cobalt: { sector: 'ev_batteries', commodity: 'cobalt', code: 'CO' },
  graphite: { sector: 'ev_batteries', commodity: 'natural_graphite', code: 'GR' },
  gallium: { sector: 'semiconductors', commodity: 'gallium', code: 'GA' },
};

/** USGS world-table title → measure. */
export const USGS_TABLE_MEASURES: Record<string, string> = {
  'World Mine Production and Reserves': 'mine_production',
  'World Low-Purity Production and Production Capacity': 'low_purity_production',
};
