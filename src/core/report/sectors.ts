/**
 * Display names and framing prose for the basket sectors. Prose only: every figure on a sector page
 * comes from lake rows. A sector found in the data but not listed here still gets a page.
 */
export interface SectorText {
  label: string;
  intro: string;
  /** What the sector's US import figures do not measure, said on its sector page and on each of its product pages. */
  tradeCaveat?: string;
}

const SECTOR_TEXT: Record<string, SectorText> = {
  semiconductors: {
    label: 'Semiconductors',
    intro:
      'Chips and the machines that make them. Capacity shares come from industry reports that use different bases (commercial fabs, installed wafer capacity, 300 mm fabs), so each source and measure is its own series.',
    tradeCaveat:
      'Trade statistics record as origin the country where a chip was last substantially transformed — usually where it was assembled, tested and packaged, not where its wafer was made — and most chips reach the US inside finished goods (phones, computers, cars) that these chip codes do not count. A supplier’s share of US chip imports is therefore not its share of the chips the US uses.',
  },
  rare_earths: {
    label: 'Rare earths',
    intro:
      'Rare-earth ores, refined compounds and metals, and the permanent magnets made from them. Mine production is in tonnes of rare-earth oxide (REO); trade is by value and counts the processing country as origin.',
    tradeCaveat:
      'Trade statistics record as origin the country that last processed a rare-earth compound, metal or magnet, not the country where the ore was mined, and magnets inside motors and other finished goods are not counted.',
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

/** Measure-name tokens made readable: "lt10nm" → "<10 nm", "10_22nm" → "10–22 nm", "300mm" → "300 mm", "_icinsights" → " (IC Insights)". */
const readableMeasure = (measure: string): string =>
  measure
    .replace(/_share(?=_|$)/g, '')
    .replace(/(\d+)_(\d+)nm/g, '$1–$2 nm')
    .replace(/(^|_)lt(\d+)nm/g, '$1<$2 nm')
    .replace(/(^|_)gt(\d+)nm/g, '$1>$2 nm')
    .replace(/(^|_)ge(\d+)nm/g, '$1≥$2 nm')
    .replace(/(\d+)mm/g, '$1 mm')
    // the source a measure name ends in, named as publishers write it
    .replace(/_icinsights$/, ' (IC Insights)')
    .replace(/_semi$/, ' (SEMI)')
    .replace(/_icinsights$/, ' (IC Insights)')
    .replace(/_semi$/, ' (SEMI)')
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
