import { UsageError } from '../errors.ts';
import type { SqlValue } from '../seams/query-engine.ts';
import { toPositional } from './placeholders.ts';

/**
 * Typed values for analyst SQL's named `:name` parameters (rewritten to bound `?` by
 * core/sql/placeholders.ts).
 */
export const PARAM_TYPES = ['string', 'int', 'double', 'boolean'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

export interface ParamDecl {
  name: string;
  type: ParamType;
  description: string;
  /** Raw default text from the header, used when the caller gives no value. */
  defaultValue?: string;
  /** Inclusive bounds of an int or double (`int[1..]`, `double[0..1]`): a value outside is refused, not run. */
  range?: ParamRange;
}

export interface ParamRange {
  min?: number;
  max?: number;
}

/** `1..`, `0..1`, `..100`: the bounds written in a type's brackets; undefined if the text is not a range. */
export function parseRange(text: string): ParamRange | undefined {
  const m = /^(-?\d+(?:\.\d+)?)?\.\.(-?\d+(?:\.\d+)?)?$/.exec(text);
  if (!m || (m[1] === undefined && m[2] === undefined)) return undefined;
  return { ...(m[1] !== undefined && { min: Number(m[1]) }), ...(m[2] !== undefined && { max: Number(m[2]) }) };
}

/** `an integer from 1 up`, `a number from 0 to 1`: the valid values, in words. */
function describeRange(type: ParamType, { min, max }: ParamRange): string {
  const what = type === 'int' ? 'an integer' : 'a number';
  if (min !== undefined && max !== undefined) return `${what} from ${min} to ${max}`;
  return min !== undefined ? `${what} from ${min} up` : `${what} up to ${max}`;
}

/** Parse `k=v` pairs given with `--param`; the value is everything after the first `=`. */
export function parseParamArgs(pairs: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? '' : pair.slice(0, eq).trim();
    if (!name)
      throw new UsageError(
        `--param "${pair}" is not name=value`,
        'Write it as --param hs=854231 (no spaces around "=", quote the whole pair if the value has spaces).',
      );
    if (values.has(name)) throw new UsageError(`--param ${name} is given twice`, 'Give each parameter once.');
    values.set(name, pair.slice(eq + 1));
  }
  return values;
}

/** Convert the text of a parameter to the declared type; undeclared parameters stay strings. */
export function coerceParam(decl: Pick<ParamDecl, 'name' | 'type' | 'range'>, raw: string): SqlValue {
  const valid =
    decl.range && decl.type !== 'string' && decl.type !== 'boolean' ? describeRange(decl.type, decl.range) : undefined;
  const bad = (what: string) =>
    new UsageError(
      `Parameter ${decl.name}="${raw}" is not ${what}`,
      valid
        ? `${decl.name} takes ${valid}, e.g. --param ${decl.name}=${decl.range?.min ?? decl.range?.max}.`
        : `Pass a ${decl.type} value, e.g. --param ${decl.name}=${EXAMPLE[decl.type]}.`,
    );
  // A value outside the declared range would run and return nothing (top_n=-1 lists no supplier): refuse it.
  const inRange = (n: number) => {
    if (
      valid &&
      ((decl.range?.min !== undefined && n < decl.range.min) || (decl.range?.max !== undefined && n > decl.range.max))
    )
      throw bad(valid);
    return n;
  };
  switch (decl.type) {
    case 'string':
      return raw;
    case 'int':
      if (!/^[+-]?\d+$/.test(raw.trim()) || !Number.isSafeInteger(Number(raw))) throw bad(valid ?? 'an integer');
      return inRange(Number(raw));
    case 'double': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw bad(valid ?? 'a number');
      return inRange(n);
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw bad('true or false');
      return raw === 'true';
  }
}

const EXAMPLE: Record<ParamType, string> = { string: 'USA', int: '2024', double: '0.4', boolean: 'true' };

export interface BoundQuery {
  sql: string;
  params: SqlValue[];
  /** The value of each placeholder by name, as bound (given or defaulted, typed). */
  named: Record<string, SqlValue>;
}

/**
 * Bind named values to a query: every placeholder gets a value (given, else the declared default),
 * every given value is used by some placeholder. Declared parameters carry their type; a
 * placeholder without a declaration (ad-hoc SQL) is bound as a string.
 */
export function bindNamed(sql: string, decls: readonly ParamDecl[], given: ReadonlyMap<string, string>): BoundQuery {
  const positional = toPositional(sql);
  const used = new Set(positional.order.map((p) => p.name));
  for (const name of given.keys()) {
    if (!used.has(name)) {
      const names = [...used].map((n) => `:${n}`).join(', ') || 'none';
      throw new UsageError(
        `--param ${name} is not used by the query`,
        `The query's placeholders are: ${names}. Check the spelling.`,
      );
    }
  }
  const values: Record<string, SqlValue> = {};
  for (const name of used) {
    const decl = decls.find((d) => d.name === name) ?? { name, type: 'string' as const, description: '' };
    const raw = given.get(name) ?? decl.defaultValue;
    if (raw === undefined) {
      const line = positional.order.find((p) => p.name === name)!.line;
      throw new UsageError(
        `Missing value for :${name} (line ${line})`,
        `Pass it with --param ${name}=<${decl.type}>${decl.description ? ` — ${decl.description}` : ''}.`,
      );
    }
    values[name] = coerceParam(decl, raw);
  }
  return { sql: positional.sql, params: positional.order.map((p) => values[p.name]), named: values };
}
