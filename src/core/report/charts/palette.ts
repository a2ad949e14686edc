/**
 * Country colours. First Okabe–Ito (Wong, Nature Methods 2011), the colour-blind-safe set, without
 * its black so the same colours read on light and dark pages, ordered so the most-charted countries
 * get the most distinct hues; then four of Paul Tol's "muted" colours for sites with more countries
 * sharing charts. Grey is reserved for "all other countries".
 */
export const COUNTRY_PALETTE = [
  '#D55E00',
  '#0072B2',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#E69F00',
  '#F0E442',
  '#882255',
  '#44AA99',
  '#999933',
  '#DDCC77',
] as const;
export const OTHER_GREY = '#9E9E9E';

export type CountryColours = ReadonlyMap<string, string>;

/**
 * One colour per country for the whole site, distinct within every chart. Countries are taken in
 * order of how many charts name them (then ISO3, so the map is deterministic); each gets the first
 * palette colour not held by a country it shares a chart with. A country that finds no free colour
 * is drawn grey; with at most six named countries per chart that needs an unusual site.
 */
export function assignCountryColours(charts: readonly { countries: readonly string[] }[]): Map<string, string> {
  const count = new Map<string, number>();
  const neighbours = new Map<string, Set<string>>();
  for (const { countries } of charts) {
    for (const c of countries) {
      count.set(c, (count.get(c) ?? 0) + 1);
      const n = neighbours.get(c) ?? new Set<string>();
      for (const other of countries) if (other !== c) n.add(other);
      neighbours.set(c, n);
    }
  }
  const order = [...count.keys()].sort((a, b) => count.get(b)! - count.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
  const colours = new Map<string, string>();
  for (const c of order) {
    const taken = new Set([...neighbours.get(c)!].map((n) => colours.get(n)));
    const free = COUNTRY_PALETTE.find((p) => !taken.has(p));
    if (free) colours.set(c, free);
  }
  return colours;
}

export const colourOf = (colours: CountryColours, iso3: string): string => colours.get(iso3) ?? OTHER_GREY;
