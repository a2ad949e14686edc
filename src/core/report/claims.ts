import { z } from 'zod';
import type { DependencyRow, ProductionRow } from '../../../data-schemas/index.ts';
import { InputError } from '../errors.ts';
import defaultClaims from '../../../reports/claims.json' with { type: 'json' };
import type { QueryEngine } from '../seams/query-engine.ts';
import { formatPeriod, formatPublished } from './format.ts';
import { queryRows } from './page-data.ts';

/**
 * Claims as data. A claim quotes an article and names the lake rows that test it (a small
 * declarative selector over the production table or the dependency metric) and the rule that turns
 * those rows into a verdict. The claimed figure is the article's (a quote); every figure on the data
 * side is read from the rows when the site is built, so a claim's verdict follows the data.
 */
const years = z.object({ from: z.number().int().optional(), to: z.number().int().optional() }).strict();

const productionSelector = z
  .object({
    table: z.literal('production'),
    measure: z.string().min(1),
    geo: z.array(z.string().min(1)).min(1),
    source_id: z.array(z.string().min(1)).min(1).optional(),
    years: years.optional(),
  })
  .strict();

const dependencySelector = z
  .object({
    table: z.literal('dependency'),
    reporter: z.string().min(1),
    flow: z.string().min(1),
    hs6: z.array(z.string().regex(/^\d{6}$/)).min(1),
    share: z.enum(['china_share', 'china_hkg_share', 'ally_share', 'covered_share', 'covered_hkg_share']),
    years: years.optional(),
  })
  .strict();

const levelRule = z
  .object({
    kind: z.literal('level'),
    claimed: z.number(),
    tolerance_pp: z.number().nonnegative(),
    /** The claim's substance (e.g. "most imports come from China") holds when data and claim lie on the same side of this percentage. */
    partly_if_same_side_of: z.number().optional(),
  })
  .strict();

const changeRule = z
  .object({
    kind: z.literal('change'),
    from: z.object({ year: z.number().int(), claimed: z.number() }).strict(),
    to: z.object({ claimed: z.number() }).strict(),
    tolerance_pp: z.number().nonnegative(),
  })
  .strict();

const rankRule = z.object({ kind: z.literal('rank'), rank: z.number().int().positive() }).strict();

const check = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    label: z.string().min(1),
    /** A test decides the verdict; context is shown beside it and decides nothing. */
    role: z.enum(['test', 'context']),
    select: z.discriminatedUnion('table', [productionSelector, dependencySelector]),
    rule: z.discriminatedUnion('kind', [levelRule, changeRule, rankRule]).optional(),
  })
  .strict()
  .refine((c) => c.role === 'context' || c.rule !== undefined, { message: 'a test check needs a rule' });

const claim = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    sector: z.string().min(1),
    quote: z.string().min(1),
    claim: z.string().min(1),
    checks: z.array(check).min(1),
    notes: z.string().optional(),
  })
  .strict();

const claimsFileSchema = z
  .object({
    $comment: z.string().optional(),
    article: z
      .object({ title: z.string().min(1), published: z.string().min(1), source_id: z.string().min(1) })
      .strict(),
    claims: z.array(claim).min(1),
  })
  .strict()
  .refine((f) => new Set(f.claims.map((c) => c.id)).size === f.claims.length, { message: 'claim ids must be unique' });

export type ClaimsFile = z.infer<typeof claimsFileSchema>;
type Claim = z.infer<typeof claim>;
type ClaimCheck = z.infer<typeof check>;
type ClaimSelector = ClaimCheck['select'];

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

export type Verdict = 'supported' | 'partly' | 'not-supported' | 'not-testable';

export const VERDICT_LABEL: Record<Verdict, string> = {
  supported: 'Supported',
  partly: 'Partly supported',
  'not-supported': 'Not supported',
  'not-testable': 'Not testable',
};

/** One figure the data give for a check, in percent (0–100), and how it compares with the claim. */
interface Observation {
  value: number;
  display: string;
  /** Period as the source gives it, made readable. */
  when: string;
  year: number | null;
  geo: string;
  sourceIds: string[];
  /** Null for context rows; otherwise the verdict or why the row could not be compared. */
  verdict: Verdict | null;
  reason: string;
}

interface CheckResult {
  check: ClaimCheck;
  observations: Observation[];
  verdict: Verdict | null;
  /** The rule in words. */
  ruleText: string;
  /** Where the rows come from: the lake table and, for a metric, its SQL file. */
  table: string;
}

export interface ClaimResult {
  claim: Claim;
  checks: CheckResult[];
  verdict: Verdict;
  sourceIds: string[];
}

const pct = (v: number) => `${v.toFixed(1)}%`;

/** Combine verdicts: all alike → that verdict; any mix → partly; nothing comparable → not testable. */
function combine(verdicts: readonly Verdict[]): Verdict {
  const decided = verdicts.filter((v) => v !== 'not-testable');
  if (decided.length === 0) return 'not-testable';
  return decided.every((v) => v === decided[0]) ? decided[0] : 'partly';
}

/** A production row as a check reads it (sql/report/claim_production.sql). */
type ProductionFigure = Pick<
  ProductionRow,
  'measure' | 'period' | 'year' | 'geo_iso3' | 'geo_name' | 'value' | 'unit' | 'qualifier' | 'source_id'
>;

/** The year bounds of a selector as query parameters: open ends are null. */
const yearValues = (range: { from?: number; to?: number } | undefined) => ({
  in_years: range !== undefined,
  year_from: range?.from ?? null,
  year_to: range?.to ?? null,
});

/** The production rows a selector names: observed (not projected), with a value, in a percentage unit. */
async function productionRows(engine: QueryEngine, s: z.infer<typeof productionSelector>): Promise<ProductionFigure[]> {
  const rows = await queryRows<Omit<ProductionFigure, 'measure'>>(engine, 'claim_production', {
    measure: s.measure,
    geos: s.geo.join(','),
    source_ids: s.source_id?.join(',') ?? null,
    ...yearValues(s.years),
  });
  return rows.map((r) => ({ ...r, measure: s.measure }));
}

const SHARE_LABEL: Record<z.infer<typeof dependencySelector>['share'], string> = {
  china_share: 'China',
  china_hkg_share: 'China, Hong Kong and Macao',
  ally_share: 'Allies',
  covered_share: 'Covered nations',
  covered_hkg_share: 'Covered nations with Hong Kong and Macao',
};

/** A selected figure before any rule, with the production row it came from (none for a computed share). */
interface Selected extends Omit<Observation, 'verdict' | 'reason'> {
  qualifier: string | null;
  row: ProductionFigure | null;
}

const observe = ({ qualifier: _q, row: _r, ...o }: Selected, verdict: Verdict | null, reason: string): Observation => ({
  ...o,
  verdict,
  reason,
});

/** A dependency row as a check weights it (sql/report/claim_dependency.sql). */
type DependencyFigure = Pick<
  DependencyRow,
  'year' | 'hs6' | 'total_value_usd' | z.infer<typeof dependencySelector>['share']
>;

/** Observations before any rule: one per production row, or one per year of a value-weighted dependency share. */
async function select(engine: QueryEngine, s: ClaimSelector): Promise<Selected[]> {
  if (s.table === 'production') {
    return (await productionRows(engine, s)).map((r) => ({
      value: r.value!,
      display: formatPublished(r.value, r.unit, r.qualifier),
      when: formatPeriod(r.period),
      year: r.year,
      geo: r.geo_name,
      sourceIds: [r.source_id],
      qualifier: r.qualifier,
      row: r,
    }));
  }
  const cells = { reporter: s.reporter, flow: s.flow, hs6_codes: s.hs6.join(',') };
  const [rows, sources] = await Promise.all([
    queryRows<DependencyFigure>(engine, 'claim_dependency', {
      ...cells,
      year_from: s.years?.from ?? null,
      year_to: s.years?.to ?? null,
    }),
    queryRows<{ source_id: string }>(engine, 'claim_trade_sources', cells),
  ]);
  const sourceIds = sources.map((r) => r.source_id);
  const yearsPresent = [...new Set(rows.map((d) => d.year))].sort((a, b) => a - b);
  return yearsPresent.map((year) => {
    const cell = rows.filter((d) => d.year === year);
    const total = cell.reduce((sum, d) => sum + d.total_value_usd, 0);
    const value = (100 * cell.reduce((sum, d) => sum + d[s.share] * d.total_value_usd, 0)) / total;
    const missing = s.hs6.filter((h) => !cell.some((d) => d.hs6 === h));
    return {
      value,
      display: pct(value),
      when: missing.length ? `${year} (no rows for HS ${missing.join(', ')})` : String(year),
      year,
      geo: SHARE_LABEL[s.share],
      sourceIds,
      qualifier: null,
      row: null,
    };
  });
}

/** The interval a published figure stands for: ">90" means at least 90. */
const intervalOf = (value: number, qualifier: string | null): [number, number] =>
  qualifier === '>' ? [value, Infinity] : qualifier === '<' ? [-Infinity, value] : [value, value];
const distance = (x: number, [lo, hi]: [number, number]) => (x < lo ? lo - x : x > hi ? x - hi : 0);

function judgeLevel(rule: z.infer<typeof levelRule>, o: Selected): Observation {
  const off = distance(rule.claimed, intervalOf(o.value, o.qualifier));
  if (off <= rule.tolerance_pp)
    return observe(o, 'supported', `within ${rule.tolerance_pp} pp of the claimed ${rule.claimed}%`);
  const side = rule.partly_if_same_side_of;
  if (side !== undefined && rule.claimed > side === o.value > side) {
    return observe(
      o,
      'partly',
      `${off.toFixed(1)} pp from the claimed ${rule.claimed}%, but like the claim ${o.value > side ? 'above' : 'below'} ${side}%`,
    );
  }
  return observe(
    o,
    'not-supported',
    `${off.toFixed(1)} pp from the claimed ${rule.claimed}%${side !== undefined ? `, and on the other side of ${side}%` : ''}`,
  );
}

/** Production rows listed for the same measure and period as `row`: the field it is ranked in. */
const rankField = (engine: QueryEngine, row: ProductionFigure) =>
  queryRows<Pick<ProductionRow, 'geo_iso3' | 'geo_name' | 'value' | 'unit' | 'qualifier'>>(engine, 'claim_rank_field', {
    measure: row.measure,
    period: row.period,
  });

async function evaluate(engine: QueryEngine, c: ClaimCheck): Promise<CheckResult> {
  const selected = await select(engine, c.select);
  const table = c.select.table;
  const rule = c.rule;
  if (!rule || c.role === 'context') {
    return {
      check: c,
      table,
      verdict: null,
      ruleText: 'Context: shown beside the tests, not used for the verdict.',
      observations: selected.map((o) => observe(o, null, '')),
    };
  }
  let observations: Observation[];
  let ruleText: string;
  if (rule.kind === 'level') {
    ruleText = `Supported when within ±${rule.tolerance_pp} percentage points of the claimed ${rule.claimed}%${
      rule.partly_if_same_side_of !== undefined
        ? `; partly supported when further off but on the same side of ${rule.partly_if_same_side_of}% as the claim`
        : ''
    }; otherwise not supported.`;
    observations = selected.map((o) => judgeLevel(rule, o));
  } else if (rule.kind === 'change') {
    ruleText = `Per source: supported when both ends are within ±${rule.tolerance_pp} pp of the claimed ${rule.from.claimed}% (${rule.from.year}) and ${rule.to.claimed}% (latest); partly supported when the change has the claimed direction; otherwise not supported.`;
    const claimedDirection = Math.sign(rule.to.claimed - rule.from.claimed);
    observations = [];
    for (const sourceId of [...new Set(selected.flatMap((o) => o.sourceIds))].sort()) {
      const series = selected.filter((o) => o.sourceIds.includes(sourceId));
      const start = series.find((o) => o.year === rule.from.year);
      const end = series.filter((o) => o.year !== null && o.year > rule.from.year).at(-1);
      if (!start || !end) {
        const missing = start ? `no figure after ${rule.from.year}` : `no ${rule.from.year} figure`;
        observations.push(
          ...series.map((o) => observe(o, 'not-testable', `this source gives only one end of the change (${missing})`)),
        );
        continue;
      }
      const ok =
        Math.abs(start.value - rule.from.claimed) <= rule.tolerance_pp &&
        Math.abs(end.value - rule.to.claimed) <= rule.tolerance_pp;
      const verdict: Verdict = ok
        ? 'supported'
        : Math.sign(end.value - start.value) === claimedDirection && claimedDirection !== 0
          ? 'partly'
          : 'not-supported';
      const reason = `${start.display} (${start.when}) → ${end.display} (${end.when}): ${ok ? 'both ends within the tolerance' : verdict === 'partly' ? 'same direction, different size' : 'not the claimed change'}`;
      observations.push(observe(start, verdict, reason), observe(end, verdict, reason));
    }
  } else {
    ruleText = `Supported when the region ranks ${rule.rank === 1 ? 'first' : `in the top ${rule.rank}`} among the regions the same measure lists for the same date; a date listing fewer than two regions is not compared.`;
    if (c.select.table !== 'production')
      throw new InputError(
        `Claim check ${c.id}: a rank rule needs a production selector`,
        'Use "table": "production" for rank checks.',
      );
    observations = [];
    for (const o of selected) {
      const row = o.row!;
      const field = await rankField(engine, row);
      const geos = new Set(field.map((r) => r.geo_iso3));
      if (geos.size < 2) {
        observations.push(observe(o, 'not-testable', `only ${o.geo} is listed for ${o.when}`));
        continue;
      }
      const rank = 1 + new Set(field.filter((r) => r.value! > o.value).map((r) => r.geo_iso3)).size;
      const others = field
        .filter((r) => r.geo_iso3 !== row.geo_iso3)
        .map((r) => `${r.geo_name} ${formatPublished(r.value, r.unit, r.qualifier)}`);
      observations.push(
        observe(
          o,
          rank <= rule.rank ? 'supported' : 'not-supported',
          `rank ${rank} of ${geos.size} listed (${others.join(', ')})`,
        ),
      );
    }
  }
  return { check: c, table, verdict: combine(observations.map((o) => o.verdict!)), ruleText, observations };
}

/** Every claim checked against the lake rows of this build, each check asking the engine for its own rows. */
export async function checkClaims(engine: QueryEngine, file: ClaimsFile): Promise<ClaimResult[]> {
  return Promise.all(
    file.claims.map(async (claim) => {
      const checks = await Promise.all(claim.checks.map((c) => evaluate(engine, c)));
      const tests = checks.filter((c) => c.check.role === 'test');
      return {
        claim,
        checks,
        verdict: combine(tests.map((c) => c.verdict ?? 'not-testable')),
        sourceIds: [...new Set(checks.flatMap((c) => c.observations.flatMap((o) => o.sourceIds)))].sort(),
      };
    }),
  );
}
