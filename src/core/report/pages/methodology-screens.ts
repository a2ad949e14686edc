import { html, type SafeHtml } from '../html.ts';
import type { SiteModel } from '../model.ts';
import type { PageContext } from '../page.ts';
import { paths } from '../paths.ts';
import { sourceLinks } from './parts.ts';

/**
 * The methodology page's account, in plain words, of the measures behind the dependency screen,
 * the world-supply, mirror-gap and monthly panels and the early-warning alerts: what each says, how
 * it is computed, and where its data and its method come from.
 */
interface PlainMethod {
  name: string;
  table: string;
  words: string;
  /** Where the data and the method come from (sources table ids). */
  sourceIds: string[];
}

const METHODS: PlainMethod[] = [
  {
    name: 'World supply',
    table: 'world_supply',
    words:
      'How concentrated the world’s exports of a product are, whoever buys them: each exporting country’s share of world exports, the largest and three largest exporters’ shares, and the HHI of those shares. One dataset per product is used for every year (the one with the most years), so a change of dataset never looks like a change of concentration. Exports are valued FOB. Rare-earth compounds are covered only as their HS4 heading (2846), and the page says so.',
    sourceIds: [
      'CEPII_BACI_V202601_TOPFLOWS',
      'CEPII_BACI_V202601_FULL_2024',
      'COMTRADE_LEGACY_848620_WORLD',
      'OEC_HS4_2846',
    ],
  },
  {
    name: 'Two-sided concentration',
    table: 'supply_two_sided',
    words:
      'Whether a concentrated US import could be bought elsewhere. When US imports are concentrated (HHI above 0.3) but world exports are not, the concentration is economy-specific: other suppliers exist. When world exports are concentrated too, it is global: few suppliers exist at all. Without a world figure the type is not computable.',
    sourceIds: ['MGI_2023_CONCENTRATION'],
  },
  {
    name: 'Dependency screen',
    table: 'screen_criteria',
    words:
      'Each framework’s criteria are tested one by one against its threshold, with the measure the framework names or the nearest one these data allow for the USA (written beside each criterion). A product is flagged when every condition is met, not flagged when one is not, and undecided when none fails but one cannot be computed. The EU’s second criterion (imports from outside the bloc as a share of demand) cannot be computed for a single country, so the EU screen never flags a US product; it is shown, not approximated.',
    sourceIds: [
      'EC_SWD_2021_352',
      'CEPII_GEODEP_2024',
      'EU_CRMA_2024_1252',
      'MGI_2023_CONCENTRATION',
      'OECD_SCRR_2025',
    ],
  },
  {
    name: 'Persistence and churn',
    table: 'screen_persistence',
    words:
      'A flag in one year can be noise: CEPII found that about one in five products flagged for the EU leaves the list the next year. A flag counts as persistent when it holds in at least two of the last three years; the screen also shows which products entered or left the list each year, and the share of last year’s flags that left (churn).',
    sourceIds: ['CEPII_GEODEP_2024', 'CEPII_PB_2023_41'],
  },
  {
    name: 'Mirror gap',
    table: 'mirror_gaps',
    words:
      'The same trade as two countries report it: what an exporter says it shipped to the US against what the US says it received, as a gap in dollars and in percent of the US figure. Gaps come from valuation (exports FOB, imports often CIF, with freight and insurance), timing (shipped in one year, arrived in the next), re-exports through third countries, and misreporting. A gap is a reason to read a figure with care, not a correction to it.',
    sourceIds: ['COMTRADE_850511_USA_MIRROR'],
  },
  {
    name: 'Monthly early warning',
    table: 'monthly_anomalies',
    words:
      'A month is flagged when its value lies more than two standard deviations from the mean of the 24 months before it (|z| > 2). A month without all 24 before it is never flagged, and a month with no value is left as a gap in the chart, never filled. Newly flagged months and newly persistent flags go to the alerts feed.',
    sourceIds: ['COMTRADE_MONTHLY_USA_CHN'],
  },
];

/** The sources the section cites that this release has. */
export const screenMethodSources = (model: SiteModel): string[] =>
  [...new Set(METHODS.flatMap((m) => m.sourceIds))].filter((id) => model.source(id) !== undefined).sort();

export function screenMethodSection(ctx: PageContext, model: SiteModel): SafeHtml {
  return html`<section aria-labelledby="screens"><h2 id="screens">Dependency screens, world supply, mirror flows and early warnings</h2>
<p>What the <a href="${ctx.href(paths.screen)}">dependency screen</a> and the product pages’ panels show, in plain words.</p>
<dl class="method">${METHODS.map((m) => {
    const cited = m.sourceIds.filter((id) => model.source(id) !== undefined);
    return html`<dt>${m.name}</dt><dd>${m.words} <span class="small">Sources: ${cited.length ? sourceLinks(ctx, cited) : 'none in this release'}. SQL: <a href="${ctx.href(paths.sql(m.table))}"><code>${m.table}.sql</code></a>.</span></dd>`;
  })}</dl></section>`;
}
