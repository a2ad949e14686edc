import { z } from 'zod';
import type { DependencyRow, ProductionRow } from '../../../data-schemas/index.ts';
import { InputError } from '../errors.ts';
import defaultClaims from '../../../reports/claims.json' with { type: 'json' };
import type { QueryEngine } from '../seams/query-engine.ts';
import { formatPeriod, formatPublished } from './format.ts';
import { queryRows } from './page-data.ts';

/**
 * The claim registry and its checker. A claim quotes an article and states what it measures (metric,
 * supply-chain stage, numerator, denominator, geography, period, unit) and the source the article
 * drew on; each evidence entry names lake rows (a small selector over the production table or the
 * dependency metric) and says what they measure in the same terms. The claimed figures are quotes;
 * every figure on the data side is read from the rows when the site is built, and the grade follows:
 * Accurate (within the stated tolerance), Overstated / Understated by N pp, Out of date (true then,
 * not now), or Not checkable with these data (proxies shown).
 */
const years = z.object({ from: z.number().int().optional(), to: z.number().int().optional() }).strict();
const STAGES = ['mine', 'refine', 'component', 'product', 'capacity'] as const;
const DENOMINATORS = ['world production', 'world capacity', 'US imports', 'US consumption'] as const;

const productionSelector = z
  .object({
    table: z.literal('production'),
    measure: z.string().min(1),
    geo: z.array(z.string().min(1)).min(1),
    years: years.optional(),
  })
  .strict();

const SHARES = ['china_share', 'china_hkg_share', 'ally_share', 'covered_share', 'covered_hkg_share'] as const;
const dependencySelector = z
  .object({
    table: z.literal('dependency'),
    reporter: z.string().min(1),
    flow: z.string().min(1),
    /** A basket named in the file's `baskets`: one definition per question, named on the page. */
    basket: z.string().min(1),
    share: z.enum(SHARES),
    years: years.optional(),
    /** Only the latest year the rows have (the year a headline shows). */
    latest_year_only: z.boolean().optional(),
    /** Year ranges to pool into one value-weighted figure each; without it, one figure per year. */
    pools: z
      .array(z.object({ from: z.number().int(), to: z.number().int() }).strict())
      .min(1)
      .optional(),
  })
  .strict();

const evidence = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    label: z.string().min(1),
    stage: z.enum(STAGES),
    denominator: z.enum(DENOMINATORS),
    /** same: measures what the claim measures; part: one part of it (a proxy); other: context only. */
    coverage: z.enum(['same', 'part', 'other']),
    select: z.discriminatedUnion('table', [productionSelector, dependencySelector]),
  })
  .strict();

const claim = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    sector: z.string().min(1),
    quote: z.string().min(1),
    claim: z.string().min(1),
    metric: z.string().min(1),
    stage: z.enum(STAGES),
    numerator: z.string().min(1),
    denominator: z.enum(DENOMINATORS),
    geography: z.string().min(1),
    period: z.string().min(1),
    unit: z.literal('percent'),
    /** The source the article drew on, when the data hold it; `why` says how we know. */
    article_source: z.object({ source_id: z.string().min(1).optional(), why: z.string().min(1) }).strict(),
    /** The claimed numbers, each for a year; the latest is the claim's "now". */
    figures: z
      .array(z.object({ label: z.string().min(1), year: z.number().int(), claimed: z.number() }).strict())
      .min(1),
    /** "The largest": the rank claimed for the geography among the regions one source lists for one date. */
    rank: z.object({ claimed: z.number().int().positive() }).strict().optional(),
    tolerance_pp: z.number().nonnegative(),
    /** How far (in years) a figure's period may lie from a claimed year and still test it. */
    max_years_off: z.number().int().nonnegative(),
    evidence: z.array(evidence).min(1),
    notes: z.string().optional(),
  })
  .strict();

const claimsFileSchema = z
  .object({
    $comment: z.string().optional(),
    article: z
      .object({ title: z.string().min(1), published: z.string().min(1), source_id: z.string().min(1) })
      .strict(),
    restatements: z.record(z.string(), z.object({ original: z.string().min(1), name: z.string().min(1) }).strict()),
    baskets: z.record(
      z.string(),
      z
        .object({ label: z.string().min(1), hs6: z.array(z.string().regex(/^\d{6}$/)).min(1), why: z.string().min(1) })
        .strict(),
    ),
    claims: z.array(claim).min(1),
  })
  .strict()
  .refine((f) => new Set(f.claims.map((c) => c.id)).size === f.claims.length, { message: 'claim ids must be unique' })
  .refine(
    (f) =>
      f.claims.every((c) =>
        c.evidence.every((e) => e.select.table !== 'dependency' || f.baskets[e.select.basket] !== undefined),
      ),
    { message: 'every dependency selector names a basket defined in "baskets"' },
  );

export type ClaimsFile = z.infer<typeof claimsFileSchema>;
type Claim = z.infer<typeof claim>;
type Evidence = z.infer<typeof evidence>;
type ClaimedFigure = Claim['figures'][number];
type Restatement = { original: string; name: string };

/** Parse a claims file; a malformed one stops the build with the exact problem. */
export function parseClaims(input: unknown, origin = 'reports/claims.json'): ClaimsFile {
  const parsed = claimsFileSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
    throw new InputError(
      `The claims file ${origin} is not valid: ${problems}`,
      'Fix the file (its format is described in src/core/report/claims.ts) and build again.',
    );
  }
  return parsed.data;
}

export const bundledClaims = (): ClaimsFile => parseClaims(defaultClaims);

export type Grade = 'accurate' | 'overstated' | 'understated' | 'out-of-date' | 'not-checkable';

/** One figure the data give, in percent (0–100), with what it measures and who published it. */
export interface Figure {
  evidenceId: string;
  evidenceLabel: string;
  value: number;
  display: string;
  /** The period made readable ("Dec 2020", "2020–2023", "undated"). */
  when: string;
  /** First and last year the period covers; null when undated. */
  start: number | null;
  end: number | null;
  geo: string;
  sourceIds: string[];
  /** The publication the figure goes back to (a restatement's original), and its name for readers when it is not a cited source. */
  origin: string;
  originName: string | null;
  /** A restatement, or a citation seen only in a secondary copy. */
  secondary: boolean;
  /** Sources that repeat this same figure (same original, same period): shown, never counted twice. */
  restatedBy: string[];
  sameStage: boolean;
  sameDenominator: boolean;
  coverage: Evidence['coverage'];
  /** For a production figure: the measure and period it was published for (the field a rank is read in). */
  publishedAs: { measure: string; period: string; geo: string } | null;
}

/** A figure in an evidence list: how far its period lies from the claimed year, and why it ranks where it does. */
interface RankedFigure extends Figure {
  yearsOff: number;
  why: string[];
}

/** One claimed number against the data. */
interface FigureCheck {
  claimed: ClaimedFigure;
  grade: Grade;
  /** Claimed minus best, in percentage points (positive: the claim is higher). */
  pp: number | null;
  best: RankedFigure | null;
  /** For the claim's "now": a later figure of the same kind that the claim no longer matches. */
  latest: RankedFigure | null;
  /** Best first; comparable figures before proxies. */
  evidence: RankedFigure[];
}

interface RankCheck {
  rank: number;
  listed: number;
  /** The next region down (or the one above, when not first), with the gap in pp. */
  nearest: { geo: string; value: number; display: string; gap: number } | null;
  figure: RankedFigure;
}

export interface ClaimResult {
  claim: Claim;
  grade: Grade;
  /** Grade in words: "Accurate", "Overstated by 15 pp", … */
  label: string;
  figures: FigureCheck[];
  /** The figure the grade rests on (for a claim that is not checkable, the nearest proxy). */
  headline: FigureCheck;
  rank: RankCheck | 'not-checkable' | null;
  /** Figures shown for context, deciding nothing. */
  context: Figure[];
  /** The basket a trade figure of this claim is computed over. */
  baskets: { id: string; label: string; hs6: string[]; why: string }[];
  sourceIds: string[];
}

const GRADE_NAME: Record<Grade, string> = {
  accurate: 'Accurate',
  overstated: 'Overstated',
  understated: 'Understated',
  'out-of-date': 'Out of date',
  'not-checkable': 'Not checkable with these data',
};

const round1 = (v: number) => Math.round(v * 10) / 10;
export const ppText = (pp: number) => `${round1(Math.abs(pp))} pp`;

function gradeLabel(grade: Grade, pp: number | null): string {
  if ((grade === 'overstated' || grade === 'understated') && pp !== null)
    return `${GRADE_NAME[grade]} by ${ppText(pp)}`;
  if (grade === 'not-checkable') return `${GRADE_NAME[grade]} — proxies shown`;
  return GRADE_NAME[grade];
}

/** First and last year of a source period ("2020-2023", "2019-01/2019-07", "2019-12"); nulls when undated. */
function yearSpan(period: string, year: number | null): [number | null, number | null] {
  const found = period.match(/\d{4}/g)?.map(Number) ?? [];
  if (found.length === 0) return [year, year];
  return [Math.min(...found), Math.max(...found)];
}

/** A production row as evidence reads it (sql/report/claim_production.sql). */
type ProductionFigure = Pick<
  ProductionRow,
  'period' | 'year' | 'geo_iso3' | 'geo_name' | 'value' | 'unit' | 'qualifier' | 'source_id'
> & { is_secondary: boolean };

/** The year bounds of a selector as query parameters: open ends are null. */
const yearValues = (range: { from?: number; to?: number } | undefined) => ({
  in_years: range !== undefined,
  year_from: range?.from ?? null,
  year_to: range?.to ?? null,
});

const SHARE_LABEL: Record<(typeof SHARES)[number], string> = {
  china_share: 'China',
  china_hkg_share: 'China, Hong Kong and Macao',
  ally_share: 'Allies',
  covered_share: 'Covered nations',
  covered_hkg_share: 'Covered nations with Hong Kong and Macao',
};

type DependencyFigure = Pick<DependencyRow, 'year' | 'hs6' | 'total_value_usd' | (typeof SHARES)[number]>;

type Unranked = Omit<Figure, 'restatedBy' | 'origin' | 'originName'> & { qualifier: string | null };

/** The figures one evidence entry gives: one per production row, or one value-weighted trade share per year or pooled period. */
async function figuresOf(
  engine: QueryEngine,
  file: ClaimsFile,
  c: Claim,
  e: Evidence,
  provisionalYear: number | null,
): Promise<Unranked[]> {
  const common = {
    evidenceId: e.id,
    evidenceLabel: e.label,
    sameStage: e.stage === c.stage,
    sameDenominator: e.denominator === c.denominator,
    coverage: e.coverage,
  };
  const s = e.select;
  if (s.table === 'production') {
    const rows = await queryRows<ProductionFigure>(engine, 'claim_production', {
      measure: s.measure,
      geos: s.geo.join(','),
      ...yearValues(s.years),
    });
    return rows.map((r) => {
      const [start, end] = yearSpan(r.period, r.year);
      return {
        ...common,
        value: r.value!,
        qualifier: r.qualifier,
        display: formatPublished(r.value, r.unit, r.qualifier),
        when: formatPeriod(r.period),
        start,
        end,
        geo: r.geo_name,
        sourceIds: [r.source_id],
        secondary: r.is_secondary,
        publishedAs: { measure: s.measure, period: r.period, geo: r.geo_iso3 },
      };
    });
  }
  const basket = file.baskets[s.basket];
  const cells = { reporter: s.reporter, flow: s.flow, hs6_codes: basket.hs6.join(',') };
  const [rows, sources] = await Promise.all([
    queryRows<DependencyFigure>(engine, 'claim_dependency', {
      ...cells,
      year_from: s.years?.from ?? null,
      year_to: s.years?.to ?? null,
    }),
    queryRows<{ source_id: string; is_secondary: boolean }>(engine, 'claim_trade_sources', cells),
  ]);
  const yearsPresent = [...new Set(rows.map((d) => d.year))].sort((a, b) => a - b);
  const ranges =
    s.pools ?? (s.latest_year_only ? yearsPresent.slice(-1) : yearsPresent).map((y) => ({ from: y, to: y }));
  return ranges.flatMap(({ from, to }) => {
    const cell = rows.filter((d) => d.year >= from && d.year <= to);
    const total = cell.reduce((sum, d) => sum + d.total_value_usd, 0);
    if (total === 0) return [];
    const value = (100 * cell.reduce((sum, d) => sum + d[s.share] * d.total_value_usd, 0)) / total;
    const missing = [];
    for (let y = from; y <= to; y++)
      for (const h of basket.hs6) if (!cell.some((d) => d.year === y && d.hs6 === h)) missing.push(`${h} in ${y}`);
    // the latest annual trade year may still be revised by the source
    const when = `${from === to ? String(from) : `${from}–${to}`}${to === provisionalYear ? ' (provisional)' : ''}`;
    return [
      {
        ...common,
        value,
        qualifier: null,
        display: `${value.toFixed(1)}%`,
        when: missing.length ? `${when} (no rows for HS ${missing.join(', ')})` : when,
        start: from,
        end: to,
        geo: SHARE_LABEL[s.share],
        sourceIds: sources.map((r) => r.source_id),
        secondary: sources.some((r) => r.is_secondary),
        publishedAs: null,
      },
    ];
  });
}

const restatementOf = (file: ClaimsFile, sourceId: string): Restatement | null => file.restatements[sourceId] ?? null;

/**
 * Independent figures only: figures going back to the same original for the same period and value
 * are one figure, carried by the original when the lake has it (else the first primary citation),
 * with the others listed as restatements.
 */
function independent(file: ClaimsFile, figures: readonly Unranked[]): Figure[] {
  const groups = new Map<string, Figure>();
  for (const f of figures) {
    const sourceId = f.sourceIds[0];
    const restated = restatementOf(file, sourceId);
    const origin = restated?.original ?? sourceId;
    const key = [f.evidenceId, origin, f.start, f.end, f.geo, f.value].join('|');
    const { qualifier: _q, ...rest } = f;
    const figure: Figure = {
      ...rest,
      origin,
      originName: restated?.name ?? null,
      secondary: f.secondary || restated !== null,
      restatedBy: [],
    };
    const held = groups.get(key);
    if (!held) groups.set(key, figure);
    else if (held.secondary && !figure.secondary)
      groups.set(key, { ...figure, restatedBy: [...held.sourceIds, ...held.restatedBy] });
    else held.restatedBy.push(...f.sourceIds);
  }
  return [...groups.values()];
}

/** Years between a figure's period and a claimed year (0 when the period covers it; Infinity when undated). */
const yearsOff = (f: Figure, year: number) =>
  f.start === null || f.end === null ? Infinity : Math.max(0, f.start - year, year - f.end);

const comparable = (f: Figure) => f.sameStage && f.sameDenominator && f.coverage === 'same';

function whyOf(f: Figure, off: number, year: number): string[] {
  return [
    f.coverage === 'same' ? 'measures what the claim measures' : 'covers only part of what the claim measures',
    f.sameStage ? 'same supply-chain stage' : 'a different stage',
    f.sameDenominator ? 'same denominator' : 'a different denominator',
    off === Infinity
      ? 'undated'
      : off === 0
        ? `its period covers ${year}`
        : `${off} year${off === 1 ? '' : 's'} from ${year}`,
    f.secondary ? 'a restatement or secondary copy' : 'primary source',
  ];
}

/** Best first: what it measures, then the nearest period, then a primary source, then the newer figure. */
function rank(figures: readonly Figure[], year: number): RankedFigure[] {
  return figures
    .map((f) => {
      const off = yearsOff(f, year);
      return { ...f, yearsOff: off, why: whyOf(f, off, year) };
    })
    .sort(
      (a, b) =>
        Number(comparable(b)) - Number(comparable(a)) ||
        Number(b.coverage === 'part') - Number(a.coverage === 'part') ||
        a.yearsOff - b.yearsOff ||
        Number(a.secondary) - Number(b.secondary) ||
        (b.end ?? 0) - (a.end ?? 0),
    );
}

/** The interval a published figure stands for: ">90" means at least 90. */
const intervalOf = (f: Figure): [number, number] =>
  f.display.startsWith('>')
    ? [f.value, Infinity]
    : f.display.startsWith('<')
      ? [-Infinity, f.value]
      : [f.value, f.value];

function checkFigure(c: Claim, claimed: ClaimedFigure, isNow: boolean, figures: readonly Figure[]): FigureCheck {
  const ranked = rank(
    figures.filter((f) => f.coverage !== 'other'),
    claimed.year,
  );
  const inReach = (f: RankedFigure) => f.yearsOff <= c.max_years_off;
  const later = (f: RankedFigure) => f.end !== null && f.end > claimed.year;
  const evidence = ranked.filter((f) => inReach(f) || f.yearsOff === Infinity || (isNow && later(f)));
  const best = evidence.find((f) => comparable(f) && inReach(f)) ?? null;
  if (!best) return { claimed, grade: 'not-checkable', pp: null, best: null, latest: null, evidence };
  const [lo, hi] = intervalOf(best);
  const pp = claimed.claimed > hi ? claimed.claimed - hi : claimed.claimed < lo ? claimed.claimed - lo : 0;
  if (Math.abs(pp) > c.tolerance_pp)
    return { claimed, grade: pp > 0 ? 'overstated' : 'understated', pp, best, latest: null, evidence };
  const newest = evidence
    .filter((f) => comparable(f) && best.end !== null && f.end !== null && f.end > best.end)
    .sort((a, b) => b.end! - a.end!)[0];
  const outOfDate = isNow && newest !== undefined && Math.abs(claimed.claimed - newest.value) > c.tolerance_pp;
  return {
    claimed,
    grade: outOfDate ? 'out-of-date' : 'accurate',
    pp,
    best,
    latest: outOfDate ? newest : null,
    evidence,
  };
}

/** Production rows listed for the same measure and period as a figure: the field it is ranked in. */
async function checkRank(engine: QueryEngine, figure: RankedFigure): Promise<RankCheck | 'not-checkable'> {
  if (!figure.publishedAs) return 'not-checkable';
  const field = await queryRows<Pick<ProductionRow, 'geo_iso3' | 'geo_name' | 'value' | 'unit' | 'qualifier'>>(
    engine,
    'claim_rank_field',
    { measure: figure.publishedAs.measure, period: figure.publishedAs.period },
  );
  const others = field.filter((r) => r.geo_iso3 !== figure.publishedAs!.geo);
  if (others.length === 0) return 'not-checkable';
  const position = 1 + others.filter((r) => r.value! > figure.value).length;
  const sorted = [...others].sort((a, b) => b.value! - a.value!);
  const near = position === 1 ? sorted[0] : sorted[position - 2];
  return {
    rank: position,
    listed: others.length + 1,
    nearest: {
      geo: near.geo_name,
      value: near.value!,
      display: formatPublished(near.value, near.unit, near.qualifier),
      gap: Math.abs(figure.value - near.value!),
    },
    figure,
  };
}

async function checkClaim(
  engine: QueryEngine,
  file: ClaimsFile,
  c: Claim,
  provisionalYear: number | null,
): Promise<ClaimResult> {
  const raw = (await Promise.all(c.evidence.map((e) => figuresOf(engine, file, c, e, provisionalYear)))).flat();
  const figures = independent(file, raw);
  const nowYear = Math.max(...c.figures.map((f) => f.year));
  const checks = c.figures.map((claimed) => checkFigure(c, claimed, claimed.year === nowYear, figures));
  const now = checks.find((f) => f.claimed.year === nowYear)!;
  const rankCheck = c.rank === undefined ? null : now.best ? await checkRank(engine, now.best) : 'not-checkable';
  const off = checks
    .filter((f) => f.grade === 'overstated' || f.grade === 'understated')
    .sort((a, b) => Math.abs(b.pp!) - Math.abs(a.pp!))[0];
  const rankWrong = rankCheck !== null && rankCheck !== 'not-checkable' && rankCheck.rank > c.rank!.claimed;
  let grade: Grade;
  let headline: FigureCheck;
  if (checks.every((f) => f.grade === 'not-checkable')) [grade, headline] = ['not-checkable', now];
  else if (off) [grade, headline] = [off.grade, off];
  else if (rankWrong) [grade, headline] = ['overstated', now];
  else if (now.grade === 'out-of-date') [grade, headline] = ['out-of-date', now];
  else [grade, headline] = ['accurate', now.best ? now : checks.find((f) => f.grade === 'accurate')!];
  const baskets = [
    ...new Set(c.evidence.flatMap((e) => (e.select.table === 'dependency' ? [e.select.basket] : []))),
  ].map((id) => ({ id, ...file.baskets[id] }));
  return {
    claim: c,
    grade,
    label: rankWrong && !off ? `Overstated: ranks ${ordinal(rankCheck.rank)}` : gradeLabel(grade, headline.pp),
    figures: checks,
    headline,
    rank: rankCheck,
    context: figures.filter((f) => f.coverage === 'other'),
    baskets,
    sourceIds: [...new Set(figures.flatMap((f) => [...f.sourceIds, ...f.restatedBy]))].sort(),
  };
}

export const ordinal = (n: number) => `${n}${n === 1 ? 'st' : n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'}`;

/**
 * Every claim graded against the lake rows of this build, each evidence entry asking the engine for its
 * own rows; a trade figure of `provisionalYear` (the latest annual year of US imports) says so.
 */
export function checkClaims(
  engine: QueryEngine,
  file: ClaimsFile,
  provisionalYear: number | null,
): Promise<ClaimResult[]> {
  return Promise.all(file.claims.map((c) => checkClaim(engine, file, c, provisionalYear)));
}
