import { columnsOf, type TableDef } from '../../../data-schemas/table.ts';
import { reject, type Candidate, type Normalized, type Reject } from './rows.ts';

/**
 * What makes two rows of a table the same fact. `key` identifies a row (and orders the written file);
 * rows with one key must agree on every other column except the free-text ones in `ignore`.
 */
interface RowIdentity {
  key: readonly string[];
  ignore: readonly string[];
}

const ROW_IDENTITY: Record<string, RowIdentity> = {
  trade_flows: {
    key: ['source', 'year', 'month', 'reporter_iso3', 'flow', 'hs6', 'partner_code', 'source_id'],
    ignore: ['partner_name', 'note'],
  },
  production: {
    key: ['source', 'sector', 'commodity', 'measure', 'geo_iso3', 'period', 'source_id'],
    ignore: ['geo_name', 'unit_detail', 'note'],
  },
  sources: { key: ['source', 'source_id'], ignore: [] },
  countries: { key: ['iso3'], ignore: [] },
  partner_groups: { key: ['group_id', 'iso3', 'valid_from'], ignore: [] },
  basket: { key: ['sector', 'hs6'], ignore: [] },
  world_trade: {
    key: ['source', 'dataset', 'year', 'hs_code', 'flow', 'reported_by', 'exporter_iso3', 'importer_iso3', 'source_id'],
    ignore: ['note'],
  },
  screen_frameworks: { key: ['framework_id', 'criterion_id'], ignore: [] },
};

export function identityOf(table: TableDef): RowIdentity {
  const identity = ROW_IDENTITY[table.name];
  if (!identity)
    throw new Error(`No row identity for table ${table.name}; add it to ROW_IDENTITY in src/core/ingest/settle.ts`);
  return identity;
}

export interface Settled<R = Record<string, unknown>> {
  rows: Candidate<R>[];
  rejects: Reject[];
  /** Exact duplicates dropped (same key, same values), counted apart from rejects. */
  duplicates: number;
}

const where = (c: Candidate) => `${c.origin.file}:${c.origin.line}`;
const show = (v: unknown) => (v === null || v === undefined ? 'null' : JSON.stringify(v));

/**
 * The last gate before a curated table: every row must pass the table's zod schema (the message is
 * the quarantine reason), exact duplicates are dropped (the first in input order stays), and rows that
 * share a key but disagree on a value are all quarantined, since picking one would be a guess.
 */
export function settle<R>(table: TableDef, normalized: Normalized): Settled<R> {
  const { key, ignore } = identityOf(table);
  const compared = columnsOf(table)
    .map((c) => c.name)
    .filter((n) => !key.includes(n) && !ignore.includes(n));
  const rejects = [...normalized.rejects];
  const groups = new Map<string, Candidate[]>();
  for (const candidate of normalized.candidates) {
    const parsed = table.schema.safeParse(candidate.row);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(row)'}: ${i.message}`).join('; ');
      rejects.push(reject(candidate.origin, table.name, `schema: ${issues}`));
      continue;
    }
    const k = JSON.stringify(key.map((c) => candidate.row[c]));
    const group = groups.get(k);
    if (group) group.push(candidate);
    else groups.set(k, [candidate]);
  }
  const rows: Candidate<R>[] = [];
  let duplicates = 0;
  for (const group of groups.values()) {
    const [first, ...rest] = group;
    const conflicts = rest.flatMap((c) =>
      compared.filter((n) => show(c.row[n]) !== show(first.row[n])).map((n) => ({ c, n })),
    );
    if (conflicts.length === 0) {
      rows.push(first as Candidate<R>);
      duplicates += rest.length;
      continue;
    }
    const keyText = key.map((c) => `${c}=${show(first.row[c])}`).join(', ');
    const { c: other, n: column } = conflicts[0];
    for (const c of group) {
      const peer = c === first ? other : first;
      rejects.push(
        reject(
          c.origin,
          table.name,
          `conflicting duplicate: ${where(c)} and ${where(peer)} share the key (${keyText}) but differ in ${column} (${show(c.row[column])} vs ${show(peer.row[column])})`,
        ),
      );
    }
  }
  return { rows, rejects, duplicates };
}
