import { partitionColumnsOf, type TableDef } from '../../../data-schemas/table.ts';
import { partitionPath } from '../lake/partitions.ts';
import type { ObjectStore } from '../seams/object-store.ts';
import type { Candidate } from './rows.ts';

/**
 * Rows of a file too large to hold, set aside by partition while it is read batch by batch: each batch
 * puts one JSON-lines object per partition it touches under the run's scratch folder (through the store,
 * so in a folder, in S3 and in a Lambda's memory alike), and afterwards `partitions` gives back one
 * partition's rows at a time. A partition is the unit the ingest checks duplicates in and writes whole,
 * so memory holds one batch while reading and one partition while writing.
 */
export class PartitionSpill {
  private batches = 0;
  private readonly paths = new Set<string>();

  constructor(
    private readonly store: ObjectStore,
    private readonly table: TableDef,
    /** A scratch prefix of the run, ending in "/". */
    private readonly prefix: string,
  ) {}

  async add(candidates: readonly Candidate[]): Promise<void> {
    const byPath = new Map<string, string[]>();
    for (const c of candidates) {
      const path = partitionPath(this.table, c.row as Record<string, unknown>);
      const line = JSON.stringify({ file: c.origin.file, line: c.origin.line, raw: c.origin.raw, row: c.row });
      const lines = byPath.get(path);
      if (lines) lines.push(line);
      else byPath.set(path, [line]);
    }
    const batch = String(++this.batches).padStart(6, '0');
    for (const [path, lines] of byPath) {
      this.paths.add(path);
      await this.store.put(
        `${this.prefix}${path}batch-${batch}.jsonl`,
        lines.join('\n') + '\n',
        'application/x-ndjson',
      );
    }
  }

  /** Each partition that got rows, in key order: its values and its candidates in input order. */
  async *partitions(): AsyncGenerator<{ values: Record<string, string | number>; candidates: Candidate[] }> {
    const columns = partitionColumnsOf(this.table);
    for (const path of [...this.paths].sort()) {
      const candidates: Candidate[] = [];
      for (const key of await this.store.list(`${this.prefix}${path}`)) {
        const text = new TextDecoder().decode((await this.store.get(key))!);
        for (const line of text.split('\n')) {
          if (line === '') continue;
          const { file, line: at, raw, row } = JSON.parse(line);
          candidates.push({ table: this.table.name, origin: { file, line: at, raw }, row });
        }
      }
      const segments = path.split('/').filter((s) => s.includes('='));
      const values = Object.fromEntries(
        columns.map((c, i) => {
          const text = decodeURIComponent(segments[i].slice(c.name.length + 1));
          return [c.name, c.type === 'string' ? text : Number(text)];
        }),
      );
      yield { values, candidates };
    }
  }

  /** Partition paths that got rows. */
  has(path: string): boolean {
    return this.paths.has(path);
  }
}
