/**
 * Display names and framing prose for the basket sectors. Prose only: every figure on a sector page
 * comes from lake rows. A sector found in the data but not listed here still gets a page.
 */
export interface SectorText {
  label: string;
  intro: string;
}

const SECTOR_TEXT: Record<string, SectorText> = {
  semiconductors: {
    label: 'Semiconductors',
    intro:
      'Chips and the machines that make them. Capacity shares come from industry reports that use different bases (commercial fabs, installed wafer capacity, 300 mm fabs), so each source and measure is its own series.',
  },
  rare_earths: {
    label: 'Rare earths',
    intro:
      'Rare-earth ores, refined compounds and metals, and the permanent magnets made from them. Mine production is in tonnes of rare-earth oxide (REO); trade is by value and counts the processing country as origin.',
  },
  ev_batteries: {
    label: 'EV batteries',
    intro:
      'Lithium-ion cells and the minerals that go into them: lithium, cobalt and natural graphite. Mine production comes from the USGS Mineral Commodity Summaries.',
  },
  medical_supplies: {
    label: 'Medical supplies',
    intro:
      'Protective equipment, instruments and medicines.',
  },
};

/** The display order of the known sectors; unknown sectors follow alphabetically. */
export const SECTOR_ORDER = Object.keys(SECTOR_TEXT);

export const sectorText = (sector: string): SectorText =>
  SECTOR_TEXT[sector] ?? { label: humanize(sector), intro: '' };

/** `fab_capacity_share` → "Fab capacity share". */
export const humanize = (id: string): string => {
  const s = id.replace(/_/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
};

/** "rare_earths" + "mine_production" → "Rare earths mine production"; no repeat when the measure already names the commodity. */
export const seriesName = (commodity: string, measure: string): string =>
  measure.startsWith(commodity) ? humanize(measure) : `${humanize(commodity)} ${measure.replace(/_/g, ' ')}`;
