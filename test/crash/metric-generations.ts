import { concentration } from '../../data-schemas/metrics.ts';
import { encodeParquet } from '../../src/core/lake/parquet.ts';

/** The metric table the switch is tested on, and what one version of it holds. */
export const METRIC_UNDER_TEST = concentration;
export const ROWS_PER_VERSION = 6;

/** Three files of two rows each, every row marked with its generation (as reporter), so a reader can tell versions apart. */
export function generationFiles(generation: number): Uint8Array[] {
  return [0, 1, 2].map((file) =>
    encodeParquet(
      concentration,
      [0, 1].map((row) => ({
        reporter_iso3: `G${generation}`,
        hs6: `85423${file}`,
        flow: 'M',
        year: 2020 + row,
        n_suppliers: 1,
        total_value_usd: 1,
        hhi: 1,
        hhi_points: 10_000,
        cr1: 1,
        cr3: 1,
        n_eff: 1,
        hhi_norm: null,
        top_supplier_iso3: 'CHN',
        nes_share: 0,
        provisional: false,
      })),
    ),
  );
}
