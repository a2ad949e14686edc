/** The report's small parts: rendering, escaping, CSV, links, colours, citation names, labels. */
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { assignCountryColours, COUNTRY_PALETTE } from '../../src/core/report/charts/palette.ts';
import { ChartError } from '../../src/core/report/charts/chart.ts';
import {
  chartRendererAtFirstChart,
  startChartRenderer,
  type ChartRenderer,
} from '../../src/core/report/charts/chart-renderer.ts';
import { renderChartSvg } from '../../src/core/report/charts/render.ts';
import { estimateTextWidth } from '../../src/core/report/charts/text-width.ts';
import { CHART_SIZES, wrapLines } from '../../src/core/report/charts/theme.ts';
import { productionSharesChart } from '../../src/core/report/charts/production-shares.ts';
import { productionBarsChart } from '../../src/core/report/charts/production-bars.ts';
import { hhiLineChart } from '../../src/core/report/charts/hhi-line.ts';
import { countrySharesChart } from '../../src/core/report/charts/country-shares.ts';
import { COUNTRY_PRODUCTS_DRAWN } from '../../src/core/report/thresholds.ts';
import { figureHtml, renderChart } from '../../src/core/report/figure.ts';
import { alertsAtom, alertsJson } from '../../src/core/report/feeds.ts';
import type { ReleaseChanges } from '../../src/core/report/release.ts';
import { siteUrl } from '../../src/core/report/site-url.ts';
import { UsageError } from '../../src/core/errors.ts';
import type { ProductionShareRow } from '../../data-schemas/index.ts';
import { shortCitation } from '../../src/core/report/citations.ts';
import { toCsv } from '../../src/core/report/csv.ts';
import {
  formatPeriod,
  formatPublished,
  formatShare,
  formatUsd,
  formatYearRuns,
  readShare,
  readUsd,
} from '../../src/core/report/format.ts';
import { hhiBand } from '../../src/core/report/release.ts';
import { escapeHtml, html, trustedMarkup } from '../../src/core/report/html.ts';
import { relativeHref } from '../../src/core/report/paths.ts';
import { seriesName } from '../../src/core/report/sectors.ts';

const bars = (values: Record<string, unknown>[]): TopLevelSpec => ({
  description: 'Two bars',
  width: 200,
  height: 100,
  data: { values },
  mark: 'bar',
  encoding: { x: { field: 'k', type: 'nominal' }, y: { field: 'v', type: 'quantitative' } },
});

describe('renderChartSvg', () => {
  it('renders the same spec to the same bytes, ids prefixed with the chart id, sized by its viewBox only', async () => {
    const spec: TopLevelSpec = {
      ...bars([
        { k: 'a', v: 1 },
        { k: 'b', v: 2 },
      ]),
      layer: undefined,
    } as TopLevelSpec;
    const clipped = { ...spec, mark: { type: 'bar', clip: true } } as TopLevelSpec;
    const first = await renderChartSvg('chart-a', clipped);
    const second = await renderChartSvg('chart-a', clipped);
    expect(second).toBe(first);
    const ids = [...first.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id.startsWith('chart-a-')).toBe(true);
    expect(first).toMatch(/^<svg [^>]*viewBox="0 0 [\d.]+ [\d.]+"[^>]*aria-label="Two bars"/);
    expect(/^<svg[^>]*>/.exec(first)![0]).not.toMatch(/\s(width|height)=/);
  });

  it('refuses a spec that would load data from a URL', async () => {
    const remote = { ...bars([]), data: { url: 'https://example.com/data.csv' } } as TopLevelSpec;
    await expect(renderChartSvg('remote', remote)).rejects.toThrow(ChartError);
    const local = { ...bars([]), data: { url: 'file:///etc/passwd' } } as TopLevelSpec;
    await expect(renderChartSvg('local', local)).rejects.toThrow(
      /Charts must carry their data inline|could not be rendered/,
    );
  });

  it('escapes data text in labels and aria descriptions', async () => {
    const svg = await renderChartSvg('x', bars([{ k: '<script>alert(1)</script>', v: 1 }]));
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });
});

/** The same renderer in this thread, for tests of what is made around the SVG. */
const inProcess: ChartRenderer = { render: renderChartSvg, close: async () => undefined };

describe('the chart renderer thread', () => {
  it('draws the same bytes as rendering in this thread, charts asked at once answered each its own', async () => {
    const renderer = startChartRenderer();
    try {
      const specs = Array.from({ length: 6 }, (_, i) => bars([{ k: `k${i}`, v: i + 1 }]));
      const drawn = await Promise.all(specs.map((spec, i) => renderer.render(`chart-${i}`, spec)));
      for (const [i, spec] of specs.entries())
        expect(drawn[i], `chart-${i}`).toBe(await renderChartSvg(`chart-${i}`, spec));
    } finally {
      await renderer.close();
    }
  });

  it('fails a chart the thread cannot draw with its ChartError and hint, and draws the next', async () => {
    const renderer = startChartRenderer();
    try {
      const remote = { ...bars([]), data: { url: 'https://example.com/data.csv' } } as TopLevelSpec;
      const failed = renderer.render('remote', remote);
      await expect(failed).rejects.toThrow(ChartError);
      await expect(failed).rejects.toMatchObject({ hint: expect.stringContaining('data inline') });
      await expect(renderer.render('after', bars([{ k: 'a', v: 1 }]))).resolves.toMatch(/^<svg /);
    } finally {
      await renderer.close();
    }
  });

  it('is started at the first chart asked for, once, and closed only if it was started', async () => {
    const started: ChartRenderer[] = [];
    const start = () => {
      const renderer = startChartRenderer();
      started.push(renderer);
      return renderer;
    };
    const unused = chartRendererAtFirstChart(start);
    await unused.close();
    await expect(unused.render('late', bars([]))).rejects.toThrow(/closed/);
    expect(started).toHaveLength(0);

    const renderer = chartRendererAtFirstChart(start);
    expect(started).toHaveLength(0);
    try {
      const spec = bars([{ k: 'a', v: 1 }]);
      const drawn = await Promise.all([renderer.render('one', spec), renderer.render('two', spec)]);
      expect(started).toHaveLength(1);
      expect(drawn).toEqual([await renderChartSvg('one', spec), await renderChartSvg('two', spec)]);
    } finally {
      await renderer.close();
    }
    await expect(renderer.render('late', bars([]))).rejects.toThrow(/closed/);
  });

  it('fails the charts still pending when it is closed, and every chart asked after', async () => {
    const renderer = startChartRenderer();
    const pending = expect(renderer.render('pending', bars([{ k: 'a', v: 1 }]))).rejects.toThrow(
      /closed with charts still to draw/,
    );
    await renderer.close();
    await pending;
    await expect(renderer.render('late', bars([]))).rejects.toThrow(ChartError);
  });
});

describe('html', () => {
  it('escapes every interpolated value, attribute quotes included, and keeps nested html', () => {
    const name = `"><img src=x onerror=alert(1)> & 'x'`;
    const out = html`<a title="${name}">${name}</a>${html`<b>${'<i>'}</b>`}${[1, null, false, undefined, 'y']}`.value;
    expect(out).toBe(
      '<a title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &#39;x&#39;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &#39;x&#39;</a><b>&lt;i&gt;</b>1y',
    );
    expect(escapeHtml('<&>"\'')).toBe('&lt;&amp;&gt;&quot;&#39;');
    expect(html`${trustedMarkup('<svg/>')}`.value).toBe('<svg/>');
  });
});

describe('toCsv', () => {
  it('quotes separators and quotes, keeps full number precision, blanks nulls and defuses spreadsheet formulas', () => {
    const csv = toCsv(
      ['a', 'b', 'c'],
      [
        { a: 'x, "y"', b: 0.1 + 0.2, c: null },
        { a: '=HYPERLINK("http://evil")', b: -1, c: "+1+cmd|' /C calc'!A0" },
        { a: ' @SUM(A1)', b: null, c: '-5' },
      ],
    );
    // A plain number with a sign ("-5") is a number to a spreadsheet, not a formula: it stays as it is.
    expect(csv).toBe(
      'a,b,c\r\n"x, ""y""",0.30000000000000004,\r\n"\'=HYPERLINK(""http://evil"")",-1,\'+1+cmd|\' /C calc\'!A0\r\n\' @SUM(A1),,-5\r\n',
    );
  });
});

describe('relativeHref', () => {
  it('links between pages at any depth without leaving the site folder', () => {
    expect(relativeHref('index.html', 'products/280530.html')).toBe('products/280530.html');
    expect(relativeHref('products/280530.html', 'data/x.csv')).toBe('../data/x.csv');
    expect(relativeHref('products/280530.html', 'products/854231.html')).toBe('854231.html');
    expect(relativeHref('sectors/a.html', 'index.html')).toBe('../index.html');
  });
});

describe('assignCountryColours', () => {
  it('gives countries sharing a chart different colours, the most charted country the first colour, and is deterministic', () => {
    const charts = [
      { countries: ['CHN', 'JPN', 'TWN'] },
      { countries: ['CHN', 'KOR'] },
      { countries: ['JPN', 'KOR', 'DEU'] },
    ];
    const colours = assignCountryColours(charts);
    expect(colours.get('CHN')).toBe(COUNTRY_PALETTE[0]);
    for (const { countries } of charts)
      expect(new Set(countries.map((c) => colours.get(c))).size).toBe(countries.length);
    expect([...assignCountryColours([...charts].reverse())]).toEqual(
      [...colours].sort(([a], [b]) => [...colours.keys()].indexOf(a) - [...colours.keys()].indexOf(b)),
    );
  });
});

describe('shortCitation', () => {
  it('names publisher, title and year for the citation styles of the bundled sources', () => {
    const cite = (citation: string) => shortCitation({ citation });
    expect(
      cite(
        'Varas, Varadarajan, Goodrich, Yinug (BCG & SIA), Government Incentives and US Competitiveness (Sept 2020; chapter)',
      ),
    ).toBe('BCG & SIA, Government Incentives and US Competitiveness (2020)');
    expect(
      cite('Financial Times, "In charts: Asia\'s manufacturing dominance", 2021-03-23, https://www.ft.com/x'),
    ).toBe("Financial Times, In charts: Asia's manufacturing dominance (2021)");
    expect(cite('USGS, MCS 2026 (Feb 2026), "Gallium"')).toBe('USGS, MCS 2026, Gallium');
    expect(cite('UN Comtrade API v1 /data/v1/get/C/A/HS, reporter 842 (USA), flowCode M, 2018–2025')).toBe(
      'UN Comtrade API v1',
    );
  });
});

describe('labels', () => {
  it('reads measure names as words', () => {
    expect(seriesName('rare_earths', 'mine_production')).toBe('Rare earths mine production');
    expect(seriesName('chips', 'logic_capacity_share_10_22nm')).toBe('Chips logic capacity 10–22 nm');
    expect(seriesName('chips', 'advanced_logic_lt10nm_share')).toBe('Chips advanced logic <10 nm');
    expect(seriesName('lithium', 'lithium_reserves')).toBe('Lithium reserves');
  });

  it('rounds figures for reading to two significant figures, keeping small shares readable', () => {
    expect(readShare(0.694)).toBe('69%');
    expect(readShare(0.0384)).toBe('3.8%');
    expect(readShare(0.006)).toBe('0.6%');
    expect(readShare(1)).toBe('100%');
    expect(readUsd(10_200_000_000)).toBe('$10 bn');
    expect(readUsd(296_550_000)).toBe('$297 m');
    expect(readUsd(6_750_000)).toBe('$6.8 m');
    expect(formatPublished(22, 'percent_of_global', 'about', 'reading')).toBe('≈22%');
    expect(formatPublished(37, 'percent_of_global', null)).toBe('37.0%');
  });

  it('formats published figures and periods as the source gave them', () => {
    expect(formatPublished(22, 'percent_of_global', 'about')).toBe('≈22.0%');
    expect(formatPublished(85.43, 'percent', null)).toBe('85.4%');
    expect(formatPublished(10_800_000_000, 'usd', null)).toBe('$10.80 bn');
    expect(formatPublished(45000, 't_REO', 'e')).toBe('45,000 t REO (est.)');
    expect(formatPublished(null, 't', 'W')).toBe('withheld');
    expect(formatPeriod('2019-12')).toBe('Dec 2019');
    expect(formatPeriod('2019-01/2019-07')).toBe('Jan 2019–Jul 2019');
    expect(formatPeriod('2020-2030')).toBe('2020–2030');
  });

  it('writes every share with one decimal and dollars with their unit', () => {
    expect(formatShare(0.6912)).toBe('69.1%');
    expect(formatShare(0.5, 0)).toBe('50%');
    expect(formatUsd(6_081_534)).toBe('$6.08 m');
    expect(formatUsd(1_360_000_000)).toBe('$1.36 bn');
    expect(formatUsd(43_600)).toBe('$43.6 k');
  });

  it('writes years as runs', () => {
    expect(formatYearRuns([2020, 2018, 2019, 2022, 2024, 2025])).toBe('2018–2020, 2022, 2024–2025');
    expect(formatYearRuns([2021])).toBe('2021');
  });

  it('puts an HHI in its band: below 0.25, 0.25–0.40, above 0.40 (a value on a line stays below it)', () => {
    expect([0.1, 0.25, 0.2501, 0.4, 0.41, 1].map(hhiBand)).toEqual([-1, -1, 0, 0, 1, 1]);
  });

  it('wraps titles to the chart width by estimated text width', () => {
    expect(estimateTextWidth('iiii', 10, false)).toBeLessThan(estimateTextWidth('MMMM', 10, false));
    const lines = wrapLines('Supplier concentration of US imports of processors and controllers', 15, true, 200);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(estimateTextWidth(line, 15, true)).toBeLessThanOrEqual(200);
  });
});

/** A production_shares row of the chips fab-capacity series. */
const capacityRow = (
  source_id: string,
  geo_iso3: string,
  year: number,
  share: number,
  { measure = 'fab_capacity_share', is_estimate = false } = {},
): ProductionShareRow =>
  ({
    sector: 'semiconductors',
    commodity: 'chips',
    measure,
    is_estimate,
    stage: 'manufacturing',
    source_id,
    geo_iso3,
    geo_name: geo_iso3,
    year,
    value: share * 100,
    unit: 'pct',
    share,
    yoy: null,
    share_roll3: null,
  }) as unknown as ProductionShareRow;

const linePaths = (svg: string) =>
  [
    ...svg.matchAll(
      /<path aria-label="[^"]*" role="graphics-symbol" aria-roledescription="line mark"[^>]* d="([^"]*)"/g,
    ),
  ].map((m) => m[1]);

describe('charts that do not invent', () => {
  const chart = (rows: ProductionShareRow[]) =>
    productionSharesChart({ id: 'cap', subject: 'Chips fab capacity', rows, maxGeos: 6, sourceName: (id) => id });

  it('draws no line across years without data: two figures 30 years apart are two points', async () => {
    const sparse = chart([capacityRow('BCG', 'USA', 1990, 0.37), capacityRow('BCG', 'USA', 2020, 0.12)]);
    const svg = await renderChartSvg('sparse', sparse.spec(new Map(), CHART_SIZES[0]));
    expect((svg.match(/aria-roledescription="point"/g) ?? []).length).toBe(2);
    // Each drawn piece of the line is one point: no segment joins 1990 to 2020.
    for (const d of linePaths(svg)) expect(d).not.toMatch(/L/);
    // The chart's rows (its table and CSV) stay exactly the two figures.
    expect(sparse.rows.map((r) => r.year)).toEqual([1990, 2020]);
  });

  it('still joins figures of consecutive years, and breaks at the one year missing', async () => {
    const years = [2018, 2019, 2021, 2022];
    const svg = await renderChartSvg(
      'joined',
      chart(years.map((y) => capacityRow('SIA', 'TWN', y, 0.2))).spec(new Map(), CHART_SIZES[0]),
    );
    const pieces = linePaths(svg).flatMap((d) => d.split('M').filter(Boolean));
    expect(pieces.length).toBe(2);
    for (const piece of pieces) expect(piece).toMatch(/L/);
  });

  it('names the largest only among one source’s figures for one year', () => {
    // 2022: SIA gives the US only (10 %); thincb2b gives China (24 %) and Taiwan (20 %). Neither source's
    // figure is ranked against the other's.
    const rows = [
      capacityRow('SIA', 'USA', 2020, 0.12),
      capacityRow('SIA', 'USA', 2022, 0.1),
      capacityRow('THINCB2B', 'CHN', 2022, 0.24),
      capacityRow('THINCB2B', 'TWN', 2022, 0.2),
    ];
    expect(chart(rows).takeaway).toBe('CHN held the largest share in 2022 of the 2 countries THINCB2B gives: 24%.');
    const single = [capacityRow('SIA', 'USA', 2022, 0.1), capacityRow('THINCB2B', 'CHN', 2022, 0.24)];
    const bars = productionBarsChart({ id: 'b', subject: 'Chips', rows: single, maxGeos: 6, sourceName: (id) => id });
    expect(bars.takeaway).toBe('USA: 10.0% in 2022 (SIA, the only country it gives for that year).');
    expect(bars.takeaway).not.toMatch(/largest/);
  });
});

describe('source estimates inside production charts', () => {
  const est = { is_estimate: true };
  // MCS 2025 estimates 2024; MCS 2026 gives 2024 as final and estimates 2025.
  const rows = [
    capacityRow('MCS2025', 'CHN', 2023, 0.68),
    capacityRow('MCS2025', 'CHN', 2024, 0.69, est),
    capacityRow('MCS2026', 'CHN', 2024, 0.7),
    capacityRow('MCS2026', 'CHN', 2025, 0.69, est),
  ];
  const chart = productionSharesChart({ id: 're', subject: 'Rare earths', rows, maxGeos: 6, sourceName: (id) => id });

  it('marks an estimated year in the hover text of its marks, and only there', async () => {
    const svg = await renderChartSvg('re', chart.spec(new Map(), CHART_SIZES[0]));
    const titles = [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);
    expect(titles).toContain('Year: 2024 (est.); Share: 69%; Country: CHN; Source: MCS2025');
    expect(titles).toContain('Year: 2024; Share: 70%; Country: CHN; Source: MCS2026');
    expect(titles).toContain('Year: 2025 (est.); Share: 69%; Country: CHN; Source: MCS2026');
    expect(titles.filter((t) => t.includes('(est.)'))).toHaveLength(2);
  });

  it('marks an axis year "(est.)" only when every figure of that year is an estimate', async () => {
    const svg = await renderChartSvg('re', chart.spec(new Map(), CHART_SIZES[0]));
    const labels = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels).toContain('2025 (est.)');
    expect(labels).toContain('2024');
    expect(labels).not.toContain('2024 (est.)');
  });

  it('keeps the year and the flag in the CSV, and the bar chart names an all-estimate year in its title', () => {
    expect(chart.columns).toContain('is_estimate');
    expect(chart.rows.map((r) => [r.year, r.is_estimate])).toEqual([
      [2023, false],
      [2024, true],
      [2024, false],
      [2025, true],
    ]);
    const single = [capacityRow('MCS2026', 'CHN', 2025, 0.69, est), capacityRow('MCS2026', 'USA', 2025, 0.12, est)];
    const bars = productionBarsChart({
      id: 'b',
      subject: 'Rare earths',
      rows: single,
      maxGeos: 6,
      sourceName: (id) => id,
    });
    expect(bars.title).toBe('Rare earths: share of world, 2025 (est.)');
    expect(bars.takeaway).toContain('in 2025 (est.)');
  });
});

describe('capacity by region: several capacity measures in one chart', () => {
  const wafer = { measure: 'wafer_capacity_share_icinsights' };
  const rows = [
    capacityRow('BCG', 'USA', 1990, 0.37),
    capacityRow('BCG', 'USA', 2020, 0.12),
    capacityRow('ICI', 'TWN', 2019, 0.22, wafer),
    capacityRow('ICI', 'TWN', 2020, 0.214, wafer),
    capacityRow('ICI', 'KOR', 2020, 0.204, wafer),
  ];
  const merged = productionSharesChart({
    id: 'cap',
    subject: 'Chips capacity',
    rows,
    maxGeos: 6,
    sourceName: (id) => id,
    measureName: (m) => seriesName('chips', m),
  });

  it('draws every source and measure in one chart, a shape per source, no line across missing years', async () => {
    const svg = await renderChartSvg('cap', merged.spec(new Map(), CHART_SIZES[0]));
    expect((svg.match(/aria-roledescription="point"/g) ?? []).length).toBe(5);
    // USA 1990 and 2020 stay two points; Taiwan's 2019–2020 figures of one source are joined.
    const joined = linePaths(svg).filter((d) => /L/.test(d));
    expect(joined).toHaveLength(1);
    const shapes = new Set(
      [...svg.matchAll(/aria-roledescription="point"[^>]* d="([^"]*)"/g)].map((m) => m[1].replace(/[\d.-]+/g, '#')),
    );
    expect(shapes.size).toBe(2);
    expect(merged.columns).toEqual(expect.arrayContaining(['measure', 'series', 'source_id', 'share', 'is_estimate']));
    expect(new Set(merged.rows.map((r) => r.series))).toEqual(
      new Set([seriesName('chips', 'fab_capacity_share'), seriesName('chips', 'wafer_capacity_share_icinsights')]),
    );
  });

  it('names the largest within one source and year, never across the two measures', () => {
    // 2020: BCG gives the US only (12 %), IC Insights Taiwan and Korea: the two sources are not ranked together.
    expect(merged.takeaway).toBe(
      'TWN held the largest share in 2020 of the 2 countries ICI gives: 21%, against 22% in 2019.',
    );
  });
});

describe('chart layout on a phone', () => {
  it('wraps the HHI bands’ legend labels on a phone instead of cutting them short', async () => {
    const chart = hhiLineChart({
      id: 'hhi',
      productLabel: 'Chips',
      hs6: '854231',
      concentration: [
        { year: 2023, hhi: 0.3 },
        { year: 2024, hhi: 0.45 },
      ],
      sources: [],
      yearText: String,
    });
    for (const size of CHART_SIZES) {
      const svg = await renderChartSvg('hhi', chart.spec(new Map(), size));
      const labels = [...svg.matchAll(/<g class="mark-text role-legend-label"[^>]*>([\s\S]*?)<\/g>/g)].flatMap((g) =>
        [...g[1].matchAll(/<text[^>]*>([\s\S]*?)<\/text>/g)].map((m) => m[1].replace(/<[^>]+>/g, ' ')),
      );
      expect(labels, size.name).toHaveLength(2);
      for (const label of labels) expect(label, size.name).not.toMatch(/…/);
      expect(labels.join(' ').replace(/\s+/g, ' '), size.name).toContain('EU-style dependency threshold');
    }
  });

  it('lays a bar chart out by its labels as truncated: long labels never push the bars off the chart', async () => {
    const long = 'A very long category name that goes on and on, with a citation in brackets (2021)';
    const spec = (label: string) =>
      ({
        ...bars([{ k: label, v: 1 }]),
        width: 360,
        autosize: { type: 'fit-x', contains: 'padding' },
        encoding: {
          y: { field: 'k', type: 'nominal', axis: { labelLimit: 150 } },
          x: { field: 'v', type: 'quantitative' },
        },
      }) as TopLevelSpec;
    const plotLeft = (svg: string) => Number(/<g [^>]*transform="translate\(([\d.]+),/.exec(svg)![1]);
    const [shortSvg, longSvg] = [await renderChartSvg('s', spec('Short')), await renderChartSvg('l', spec(long))];
    expect(plotLeft(longSvg)).toBeLessThanOrEqual(plotLeft(shortSvg) + 150);
    expect(plotLeft(longSvg)).toBeLessThan(200);
  });
});

describe('absolute URLs in citations and feeds', () => {
  it('takes the site base URL only as an absolute http(s) address, and none when not given', () => {
    expect(siteUrl('https://d111111abcdef8.cloudfront.net')).toBe('https://d111111abcdef8.cloudfront.net/');
    expect(siteUrl('https://example.org/chainwatch/')).toBe('https://example.org/chainwatch/');
    expect(siteUrl(undefined)).toBeNull();
    expect(siteUrl('')).toBeNull();
    for (const bad of ['d111111abcdef8.cloudfront.net', 'ftp://example.org/', 'https://example.org/?a=1'])
      expect(() => siteUrl(bad), bad).toThrow(UsageError);
  });

  it('cites a chart by its absolute address under the base URL, or by its address from the site root, said so', async () => {
    const chart = productionSharesChart({
      id: 'production-chips-capacity',
      subject: 'Chips capacity',
      rows: [capacityRow('BCG', 'USA', 1990, 0.37), capacityRow('BCG', 'USA', 2020, 0.12)],
      maxGeos: 6,
      sourceName: (id) => id,
    });
    const rendered = await renderChart(chart, new Map(), inProcess);
    const cite = (site: string | null) =>
      /<details class="chart-cite">[\s\S]*?<p>([\s\S]*?)<\/p>/.exec(
        figureHtml(rendered, 'production/chips.html', { release: '2026-03', cite: (id) => id, site }).toString(),
      )![1];
    expect(cite('https://d1.cloudfront.net/')).toMatch(
      /\. https:\/\/d1\.cloudfront\.net\/releases\/2026-03\/production\/chips\.html#production-chips-capacity$/,
    );
    expect(cite(null)).toMatch(
      /\. releases\/2026-03\/production\/chips\.html#production-chips-capacity \(from the site’s root: this copy was built without its public address\)$/,
    );
  });

  it('links the alert feeds absolutely under the base URL, and from the site root without one', () => {
    const changes = {
      month: '2026-03',
      previousMonth: '2026-02',
      alerts: [
        { id: 'a1', kind: 'hhi', cause: 'up', year: 2025, title: 'T', summary: 'S', href: 'products/854231.html' },
      ],
    } as unknown as ReleaseChanges;
    const base = 'https://d1.cloudfront.net/';
    const atom = alertsAtom(changes, base).body;
    expect(atom).toContain(`href="${base}products/854231.html"`);
    expect(atom).toContain(`rel="self" type="application/atom+xml" href="${base}alerts.xml"`);
    expect(JSON.parse(alertsJson(changes, base).body).alerts[0].page).toBe(`${base}products/854231.html`);
    expect(alertsAtom(changes, null).body).toContain('href="products/854231.html"');
    expect(JSON.parse(alertsJson(changes, null).body).alerts[0].page).toBe('products/854231.html');
  });
});

describe('a supplier country’s chart', () => {
  it(`draws its ${COUNTRY_PRODUCTS_DRAWN} largest products and keeps every product in its rows (data table, CSV, JSON)`, async () => {
    const latest = Array.from({ length: 100 }, (_, i) => ({
      hs6: String(100000 + i),
      year: 2024,
      rank: 1,
      value_usd: 1000 + i,
      share: (i + 1) / 200,
    }));
    const chart = countrySharesChart({
      id: 'country-JPN-shares',
      iso3: 'JPN',
      name: 'Japan',
      latest,
      labels: new Map(),
      sources: [],
      yearText: String,
    });
    expect(chart.rows).toHaveLength(100);
    const { csv } = await renderChart(chart, new Map(), inProcess);
    expect(csv.body.trim().split('\n')).toHaveLength(101);
    for (const size of CHART_SIZES) {
      const spec = chart.spec(new Map(), size) as { data: { values: { hs6: string }[] } };
      expect(
        spec.data.values.map((r) => r.hs6),
        size.name,
      ).toEqual(
        latest
          .slice(-COUNTRY_PRODUCTS_DRAWN)
          .map((r) => r.hs6)
          .reverse(),
      );
      const svg = await renderChartSvg('country', chart.spec(new Map(), size));
      expect(svg.match(/<path[^>]*aria-roledescription="bar"/g), size.name).toHaveLength(COUNTRY_PRODUCTS_DRAWN);
    }
    expect(chart.description).toContain(`the ${COUNTRY_PRODUCTS_DRAWN} products with the largest shares, of 100`);
  });
});
