import { sources as sourcesTable } from '../../data-schemas/curated.ts';
import type { TableDef } from '../../data-schemas/table.ts';
import type { SourceError } from '../../src/errors.ts';
import type { HttpContext } from '../../src/http/retry.ts';
import { partitionPath } from '../../src/lake/partitions.ts';
import type { IngestInput, RunMark, SourceRun } from './manifest.ts';
import type { LiveProgress } from './progress-bar.ts';
import type { Coverage } from './partition-merge.ts';
import { landRaw } from './raw.ts';
import { reject, type Candidate, type Normalized } from './rows.ts';
import { settle } from './settle.ts';
import type { IngestContext, IngestSource, SettledTable } from './source.ts';
import { readSourceState, writeSourceState, type SourceState } from './source-state.ts';
import type { FetchedResponse, LiveSourcePlan } from './sources/live-source.ts';
import { tableDef } from './tables.ts';

/**
 * A row a response is not authoritative for is not trusted: one outside every partition it covers (a
 * 2020 record in a 2021 reply), or one it does not own (an HS code or flow that was not asked for).
 * Landing it would also keep it forever: no later response would own, and so replace, it.
 */
function withinCoverage(table: TableDef, coverage: Coverage, parsed: Normalized): Normalized {
  const covered = new Set(coverage.partitions.map((p) => partitionPath(table, p)));
  const candidates: Candidate[] = [];
  const rejects = [...parsed.rejects];
  for (const c of parsed.candidates) {
    const path = partitionPath(table, c.row);
    if (!covered.has(path)) rejects.push(reject(c.origin, table.name, `row for ${path} lies outside the partitions the request covers`));
    else if (!coverage.owns(c.row)) rejects.push(reject(c.origin, table.name, 'row is for a product, flow, reporter or source the request did not ask for'));
    else candidates.push(c);
  }
  return { candidates, rejects };
}

const mark = (ctx: IngestContext): RunMark => ({ runId: ctx.runId, at: ctx.at, ...(ctx.period ? { period: ctx.period } : {}) });

/**
 * A live source as a source of the ingest. `collect` fetches every planned request (a SourceError
 * after retries propagates: the ingest calls `failed`, which marks the source stale and leaves its
 * curated data alone), lands each body under raw/ by content hash, skips responses identical to the
 * ones last seen (`_state/<source>.json`), and parses and validates the rest into batches that cover
 * exactly what those responses are authoritative for. `committed` records the new state after the
 * curated partitions are written, so a crash in between only makes the next run merge again.
 */
export function liveIngestSource(plan: LiveSourcePlan, http: HttpContext, onFetch: (p: LiveProgress) => void = () => {}): IngestSource {
  let state: SourceState;
  const seen: SourceState['responses'] = {};
  const requests = { planned: plan.requests.length, responses: 0, unchanged: 0 };
  const warnings: string[] = [];

  return {
    id: plan.source,

    async collect(ctx) {
      state = await readSourceState(ctx.store, plan.source);
      for (const notice of plan.notices) ctx.progress(notice);
      const responses: FetchedResponse[] = [];
      for (const [i, request] of plan.requests.entries()) {
        onFetch({ kind: 'request', source: plan.source, done: i, total: plan.requests.length, label: request.label });
        responses.push(...(await request.fetch(http)));
      }
      onFetch({ kind: 'request', source: plan.source, done: plan.requests.length, total: plan.requests.length, label: '' });
      requests.responses = responses.length;

      const inputs: IngestInput[] = [];
      const byTable = new Map<string, { table: TableDef; coverages: Coverage[]; parts: Normalized[] }>();
      let derived = 0;
      for (const response of responses) {
        const landed = await landRaw(ctx.store, plan.source, response.file, response.body);
        const input: IngestInput = { file: response.file, rawKey: landed.rawKey, sha256: landed.sha256, rows: 0 };
        inputs.push(input);
        const previous = state.responses[response.key];
        if (previous?.sha256 === landed.sha256) {
          requests.unchanged++;
          seen[response.key] = previous;
          continue;
        }
        seen[response.key] = { sha256: landed.sha256, rawKey: landed.rawKey, runId: ctx.runId };
        const parsed = response.parse(landed.rawKey);
        input.rows = parsed.rowsRead;
        derived += parsed.rowsDerived;
        warnings.push(...parsed.warnings.map((w) => `${response.file}: ${w}`));
        const { table } = response.coverage;
        const entry = byTable.get(table.name) ?? { table, coverages: [], parts: [] };
        entry.coverages.push(response.coverage);
        entry.parts.push(withinCoverage(table, response.coverage, parsed));
        byTable.set(table.name, entry);
      }
      ctx.progress(`${plan.source}: ${responses.length} responses, ${requests.unchanged} unchanged since the last run`);
      if (byTable.size > 0) {
        // The citations of what this source landed: derived rows of the sources table, replaced as a set.
        const ids = new Set(plan.citations.map((s) => s.source_id));
        const table = tableDef(sourcesTable);
        const origin = { file: `${plan.source} citations`, line: 0, raw: {} };
        byTable.set(sourcesTable.name, {
          table,
          coverages: [{ table, partitions: [{ source: plan.source }], owns: (row) => ids.has(row.source_id as string) }],
          parts: [{ candidates: plan.citations.map((row) => ({ table: sourcesTable.name, origin, row, derived: true })), rejects: [] }],
        });
        derived += plan.citations.length;
      }
      // Validated per table across all changed responses, so a duplicate between two responses is caught.
      const tables: SettledTable[] = [...byTable.values()].map(({ table, coverages, parts }) => ({
        table,
        coverages,
        settled: settle(table, { candidates: parts.flatMap((p) => p.candidates), rejects: parts.flatMap((p) => p.rejects) }),
      }));
      return { source: plan.source, inputs, tables, derived };
    },

    async committed(ctx, run) {
      const lastSuccess = mark(ctx);
      await writeSourceState(ctx.store, { ...state, status: 'fresh', lastSuccess, responses: { ...state.responses, ...seen } });
      return { ...run, requests, warnings, lastSuccess };
    },

    async failed(ctx, error: SourceError): Promise<SourceRun> {
      state ??= await readSourceState(ctx.store, plan.source);
      ctx.progress(`${plan.source}: stale, serving the data of ${state.lastSuccess ? `run ${state.lastSuccess.runId}` : 'no earlier run'}: ${error.message}`);
      await writeSourceState(ctx.store, { ...state, status: 'stale', lastFailure: { ...mark(ctx), error: error.message, hint: error.hint } });
      return {
        inputs: [], rowsIn: 0, rowsDerived: 0, rowsOut: 0, rowsRejected: 0, rowsDuplicate: 0, quarantineKey: null, tables: {},
        status: 'stale',
        partitions: { written: [], deleted: [], unchanged: 0 },
        requests,
        warnings,
        lastSuccess: state.lastSuccess,
        error: { name: error.name, message: error.message, hint: error.hint },
      };
    },
  };
}
