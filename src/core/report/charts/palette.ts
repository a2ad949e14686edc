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
 * Charts are added one at a time (the build streams them), and the plan keeps only counts and
 * neighbours: memory grows with the countries, not with the charts.
 */
export class CountryColourPlan {
  private readonly count = new Map<string, number>();
  private readonly neighbours = new Map<string, Set<string>>();

  /** A chart's coloured countries. */
  add(countries: readonly string[]): void {
    for (const c of countries) {
      this.count.set(c, (this.count.get(c) ?? 0) + 1);
      const n = this.neighbours.get(c) ?? new Set<string>();
      for (const other of countries) if (other !== c) n.add(other);
      this.neighbours.set(c, n);
    }
  }

  colours(): Map<string, string> {
    const order = [...this.count.keys()].sort(
      (a, b) => this.count.get(b)! - this.count.get(a)! || (a < b ? -1 : a > b ? 1 : 0),
    );
    const colours = new Map<string, string>();
    for (const c of order) {
      const taken = new Set([...this.neighbours.get(c)!].map((n) => colours.get(n)));
      const free = COUNTRY_PALETTE.find((p) => !taken.has(p));
      if (free) colours.set(c, free);
    }
    return colours;
  }
}

export function assignCountryColours(charts: readonly { countries: readonly string[] }[]): Map<string, string> {
  const plan = new CountryColourPlan();
  for (const { countries } of charts) plan.add(countries);
  return plan.colours();
}

export const colourOf = (colours: CountryColours, iso3: string): string => colours.get(iso3) ?? OTHER_GREY;
