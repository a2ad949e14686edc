import type { ProductionConcentrationRow } from '../../../../data-schemas/index.ts';
import { estimatedYear, formatShare } from '../format.ts';
import { seriesName } from '../sectors.ts';
import type { ChartDef, ChartRow } from './chart.ts';
import { baseSpec, categoryAxis, shareAxis } from './theme.ts';

export interface StageCr3Input {
  id: string;
  sectorLabel: string;
  /** Concentration rows of one sector, all years. */
  rows: readonly ProductionConcentrationRow[];
}

const STAGE_COLOURS: Record<string, string> = { mining: '#E69F00', refining: '#0072B2', manufacturing: '#009E73' };

/**
 * IEA-style concentration by supply-chain stage: the top-3 countries' share for each production
 * series in its latest year. Each bar is one commodity, measure and source; bars are not summed.
 */
export function stageCr3Chart(input: StageCr3Input): ChartDef {
  const latest = new Map<string, ProductionConcentrationRow>();
  for (const r of input.rows) {
    const key = [r.commodity, r.stage, r.measure, r.source_id].join('|');
    const seen = latest.get(key);
    if (!seen || r.year > seen.year) latest.set(key, r);
  }
  const picked = [...latest.values()].sort(
    (a, b) =>
      b.cr3 - a.cr3 ||
      a.commodity.localeCompare(b.commodity) ||
      a.measure.localeCompare(b.measure) ||
      a.source_id.localeCompare(b.source_id),
  );
  // The source goes into the bar label only when two bars would otherwise read the same.
  const plain = (r: ProductionConcentrationRow) =>
    `${seriesName(r.commodity, r.measure)}, ${estimatedYear(r.year, r.is_estimate)}`;
  const clash = (r: ProductionConcentrationRow) => picked.filter((o) => plain(o) === plain(r)).length > 1;
  const rows: ChartRow[] = picked.map((r) => ({
    series: clash(r) ? `${plain(r)} (${r.source_id})` : plain(r),
    commodity: r.commodity,
    stage: r.stage,
    measure: r.measure,
    source_id: r.source_id,
    year: r.year,
    is_estimate: r.is_estimate,
    cr3: r.cr3,
  }));
  const top = rows[0];
  const stages = [...new Set(rows.map((r) => String(r.stage)))].sort();
  const title = `${input.sectorLabel}: top-3 country share by stage`;
  const subtitle = 'Each production series in its latest year (CR3, IEA-style)';
  const description = `Bar chart of the share of world output held by the three largest countries (CR3) for ${rows.length} production series of ${input.sectorLabel.toLowerCase()}, each in its latest year, coloured by supply-chain stage (${stages.join(', ')}).`;
  const sources = [...new Set(rows.map((r) => String(r.source_id)))].sort();

  return {
    id: input.id,
    title,
    description,
    takeaway: `Most concentrated: ${top.series}, where three countries held ${formatShare(Number(top.cr3))}.`,
    sources: sources.map((sourceId) => ({
      sourceId,
      years: rows.filter((r) => r.source_id === sourceId).map((r) => Number(r.year)),
    })),
    tables: ['production_concentration'],
    columns: ['series', 'commodity', 'stage', 'measure', 'source_id', 'year', 'is_estimate', 'cr3'],
    rows,
    countries: [],
    spec: (_colours, size) => ({
      ...baseSpec(title, subtitle, description, size, Math.max(60, rows.length * 28)),
      data: { values: rows },
      mark: { type: 'bar', height: { band: 0.7 } },
      encoding: {
        y: {
          field: 'series',
          type: 'nominal',
          sort: null,
          axis: categoryAxis(
            rows.map((r) => String(r.series)),
            size,
          ),
        },
        x: {
          field: 'cr3',
          type: 'quantitative',
          scale: { domain: [0, 1] },
          axis: { ...shareAxis, title: 'Top-3 share (CR3)' },
        },
        color: {
          field: 'stage',
          type: 'nominal',
          title: 'Stage',
          scale: { domain: stages, range: stages.map((s) => STAGE_COLOURS[s] ?? '#9E9E9E') },
          legend: { orient: 'bottom', direction: 'horizontal' },
        },
      },
    }),
  };
}
