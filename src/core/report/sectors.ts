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
    intro: 'Protective equipment, instruments and medicines.',
  },
};

/** The display order of the known sectors; unknown sectors follow alphabetically. */
export const SECTOR_ORDER = Object.keys(SECTOR_TEXT);

export const sectorText = (sector: string): SectorText => SECTOR_TEXT[sector] ?? { label: humanize(sector), intro: '' };

/** Abbreviations that stay upper case in labels. */
const ACRONYMS = new Set(['us', 'eu', 'hk', 'ppe', 'ev', 'ic', 'ics', 'reo', 'usd']);

/** `fab_capacity_share` → "Fab capacity share"; `us_imports_ppe` → "US imports PPE". */
export const humanize = (id: string): string => {
  const s = id
    .replace(/_/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .split(' ')
    .map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w))
    .join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
};

/** Measure-name tokens made readable: "lt10nm" → "<10 nm", "10_22nm" → "10–22 nm", "300mm" → "300 mm". */
const readableMeasure = (measure: string): string =>
  measure
    .replace(/_share(?=_|$)/g, '')
    .replace(/(\d+)_(\d+)nm/g, '$1–$2 nm')
    .replace(/(^|_)lt(\d+)nm/g, '$1<$2 nm')
    .replace(/(^|_)gt(\d+)nm/g, '$1>$2 nm')
    .replace(/(^|_)ge(\d+)nm/g, '$1≥$2 nm')
    .replace(/(\d+)mm/g, '$1 mm')
    .replace(/_/g, ' ');

/**
 * A series name from commodity and measure: ("rare_earths", "mine_production") → "Rare earths mine
 * production"; ("chips", "logic_capacity_share_10_22nm") → "Chips logic capacity 10–22 nm"; no
 * repeat when the measure already names the commodity.
 */
export const seriesName = (commodity: string, measure: string): string =>
  humanize(
    measure.startsWith(commodity)
      ? readableMeasure(measure)
      : `${commodity.replace(/_/g, ' ')} ${readableMeasure(measure)}`,
  );
