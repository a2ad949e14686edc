import { RowProblem } from './rows.ts';

const CANONICAL_UNITS = ['t', 't_REO', 'kg', 'percent', 'usd', 'GWh', 'TWh'] as const;
type CanonicalUnit = (typeof CANONICAL_UNITS)[number];

interface UnitRule {
  /** Matches the unit text of a source file (tidy `unit` column or the USGS units line). */
  match: RegExp;
  unit: CanonicalUnit;
  /** Multiply the value by this to get the canonical unit. */
  factor: number;
  /** A share of a whole: more than 100 is impossible and marks a bad row. */
  isShare: boolean;
}

/**
 * Unit text → canonical unit, first match wins. The original wording is kept in `unit_detail`
 * whenever it says more than the canonical unit (e.g. percent_of_us_imports, "lithium content").
 */
const UNIT_RULES: readonly UnitRule[] = [
  { match: /^t_REO$|rare-earth-oxide \(REO\)/, unit: 't_REO', factor: 1, isShare: false },
  { match: /^t$|^t \(|metric tons/, unit: 't', factor: 1, isShare: false },
  { match: /^kg$|kilograms/, unit: 'kg', factor: 1, isShare: false },
  // A growth rate is a percentage but not a share: +203 % is a valid value.
  { match: /^percent_change$/, unit: 'percent', factor: 1, isShare: false },
  { match: /^percent(_of_\w+)?$/, unit: 'percent', factor: 1, isShare: true },
  { match: /^usd$/, unit: 'usd', factor: 1, isShare: false },
  { match: /^million_usd$/, unit: 'usd', factor: 1e6, isShare: false },
  { match: /^billion_usd$/, unit: 'usd', factor: 1e9, isShare: false },
  { match: /^GWh$/, unit: 'GWh', factor: 1, isShare: false },
  { match: /^TWh$/, unit: 'TWh', factor: 1, isShare: false },
];

export interface CanonicalValue {
  value: number | null;
  unit: CanonicalUnit;
  unitDetail: string | null;
  /** Set when the value was scaled, for the row note. */
  conversion: string | null;
}

/**
 * Express a non-negative source value in its canonical unit. Scaling goes through 15 significant
 * digits so 10.8 billion is 10800000000, not 10800000000.000002.
 */
export function canonicalValue(value: number | null, unitText: string): CanonicalValue {
  const text = unitText.trim();
  const rule = UNIT_RULES.find((r) => r.match.test(text));
  if (!rule) throw new RowProblem(`unknown unit "${unitText}"; add a rule to UNIT_RULES in src/core/ingest/units.ts`);
  if (rule.isShare && value !== null && value > 100) throw new RowProblem(`share ${value} is more than 100 (${text})`);
  return {
    value: value === null ? null : Number((value * rule.factor).toPrecision(15)),
    unit: rule.unit,
    unitDetail: text === rule.unit ? null : text,
    conversion:
      rule.factor === 1
        ? null
        : `value converted from ${text.replace(/_/g, ' ')} (× ${rule.factor.toLocaleString('en-US')})`,
  };
}
