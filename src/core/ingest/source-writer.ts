import { columnsOf } from '../../../data-schemas/table.ts';
import { StoreError } from '../errors.ts';
import { partitionPath } from '../lake/partitions.ts';
import { StagedCommit } from '../lake/staged-commit.ts';
import type { ObjectStore } from '../seams/object-store.ts';
import { lakePrefix, quarantineKey } from '../lake/layout.ts';
import { noRowsYet, type SourceRun, type TableWrite } from '../lake/manifest.ts';
import { planMerge } from './partition-merge.ts';
import { reject, type Reject } from './rows.ts';
import type { SettledTable, SourcePart } from './source.ts';

const CITATION_FILES = 'data/bundled/SOURCES.md or data-schemas/reference/sources.csv';

const byOrigin = (a: Reject, b: Reject): number =>
  a.file < b.file
    ? -1
    : a.file > b.file
      ? 1
      : a.line - b.line || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0);

/**
 * Writes one source's run part by part: each part's rows are checked, merged into the partitions its
 * coverages name, and staged at once (a partition file is staged only when its bytes change, so a
 * rerun with the same inputs stages nothing); its rejects go to a scratch file. `finish` writes the
 * quarantine, checks that every row is accounted for and switches every staged file in with one
 * commit marker: a crash before it leaves the curated tables exactly as they were, one after it is
 * finished by the source's next run. Memory holds one part and the run's counters, not the run.
 */
export class SourceWriter {
  private readonly commit: StagedCommit;
  /** source_ids this run has landed citations for. */
  private readonly cited = new Set<unknown>();
  /** Partition paths earlier parts covered: parts must not share one. */
  private readonly covered = new Set<string>();
  private readonly rejectParts: string[] = [];
  private readonly run: Omit<SourceRun, 'status' | 'quarantineKey'> = noRowsYet();

  constructor(
    private readonly store: ObjectStore,
    private readonly source: string,
    private readonly runId: string,
    private readonly progress: (line: string) => void,
  ) {
    this.commit = new StagedCommit(store, lakePrefix.ingestStaging(source), runId);
  }

  /**
   * Provenance is a rule, not a habit: a row whose source_id has no citation in the sources table (as
   * landed in this run, by this part or an earlier one) does not ship.
   */
  private requireCitations(tables: readonly SettledTable[]): void {
    const sourcesTable = tables.find((t) => t.table.name === 'sources');
    for (const c of sourcesTable?.settled.rows ?? []) this.cited.add(c.row.source_id);
    for (const { table, settled } of tables) {
      if (table === sourcesTable?.table || !columnsOf(table).some((c) => c.name === 'source_id')) continue;
      const uncited = settled.rows.filter((c) => !this.cited.has(c.row.source_id));
      if (uncited.length === 0) continue;
      settled.rows = settled.rows.filter((c) => this.cited.has(c.row.source_id));
      settled.rejects.push(
        ...uncited.map((c) =>
          reject(c.origin, table.name, `source_id ${String(c.row.source_id)} has no citation in ${CITATION_FILES}`),
        ),
      );
    }
  }

  async write(part: SourcePart): Promise<void> {
    this.requireCitations(part.tables);
    const run = this.run;
    run.inputs.push(...part.inputs);
    run.rowsIn += part.inputs.reduce((n, i) => n + i.rows, 0);
    run.rowsDerived += part.derived;

    const rejects = part.tables.flatMap((t) => t.settled.rejects).sort(byOrigin);
    if (rejects.length > 0) {
      const key = this.commit.scratchKey(`rejects-${String(this.rejectParts.length).padStart(6, '0')}.jsonl`);
      await this.store.put(key, rejects.map((r) => JSON.stringify(r) + '\n').join(''), 'application/x-ndjson');
      this.rejectParts.push(key);
      run.rowsRejected += rejects.length;
    }

    for (const { table, settled, coverages } of part.tables) {
      const paths = new Set(coverages.flatMap((c) => c.partitions.map((p) => partitionPath(table, p))));
      const shared = [...paths].find((p) => this.covered.has(p));
      if (shared)
        throw new Error(
          `Two parts of the ${this.source} run cover ${shared}: a source must yield each partition's rows in one part`,
        );
      for (const p of paths) this.covered.add(p);

      const rows = settled.rows.map((c) => c.row);
      // The part is consumed: its candidates hold their input records (for a reject's copy), which
      // are no longer needed and are most of a part's memory — let them go before the merge.
      settled.rows = [];
      settled.rejects = [];
      const plan = await planMerge(this.store, table, coverages, rows);
      for (const put of plan.puts) await this.commit.stage(put);
      for (const key of plan.deletes) this.commit.remove(key);
      const write: TableWrite = run.tables[table.name] ?? { rows: 0, partitionsWritten: 0 };
      write.rows += rows.length;
      write.partitionsWritten += plan.puts.length;
      run.tables[table.name] = write;
      run.rowsOut += rows.length;
      run.rowsDuplicate += settled.duplicates;
      run.partitions.written.push(...plan.puts.map((p) => p.key));
      run.partitions.deleted.push(...plan.deletes);
      run.partitions.unchanged += plan.unchanged.length;
      this.progress(
        `curated/${table.name}: ${rows.length} rows in ${plan.holding} partition${plan.holding === 1 ? '' : 's'}`,
      );
    }
  }

  /** Write the quarantine, check the accounting, and switch the staged files in: the run's entry. */
  async finish(): Promise<SourceRun> {
    const rejectsKey = this.rejectParts.length > 0 ? quarantineKey(this.source, this.runId) : null;
    if (rejectsKey) {
      const parts: Uint8Array[] = [];
      for (const key of this.rejectParts) {
        const bytes = await this.store.get(key);
        if (!bytes)
          throw new StoreError(
            `${key} vanished while run ${this.runId} was writing`,
            `Something removed the staging folder of a running ingest; run the ingest of ${this.source} again.`,
          );
        parts.push(bytes);
      }
      await this.store.put(rejectsKey, Buffer.concat(parts), 'application/x-ndjson');
      this.progress(`${rejectsKey}: ${this.run.rowsRejected} rows quarantined`);
    }
    const run: SourceRun = { ...this.run, quarantineKey: rejectsKey, status: 'fresh' };
    if (run.rowsIn + run.rowsDerived !== run.rowsOut + run.rowsRejected + run.rowsDuplicate) {
      throw new Error(
        `Row accounting broken for ${this.source}: ${JSON.stringify({ ...run, inputs: undefined, tables: undefined, partitions: undefined })}`,
      );
    }
    // Only a run whose every row is accounted for is switched in.
    await this.commit.commit();
    return run;
  }

  /** Throw away what this run staged: the curated tables stay as they were. */
  discard(): Promise<void> {
    return this.commit.discard();
  }
}
