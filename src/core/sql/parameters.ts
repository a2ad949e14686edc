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
export function coerceParam(decl: Pick<ParamDecl, 'name' | 'type'>, raw: string): SqlValue {
  const bad = (what: string) =>
    new UsageError(
      `Parameter ${decl.name}="${raw}" is not ${what}`,
      `Pass a ${decl.type} value, e.g. --param ${decl.name}=${EXAMPLE[decl.type]}.`,
    );
  switch (decl.type) {
    case 'string':
      return raw;
    case 'int':
      if (!/^[+-]?\d+$/.test(raw.trim()) || !Number.isSafeInteger(Number(raw))) throw bad('an integer');
      return Number(raw);
    case 'double': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw bad('a number');
      return n;
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
