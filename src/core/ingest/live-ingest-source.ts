import { sources as sourcesTable } from '../../../data-schemas/curated.ts';
import type { TableDef } from '../../../data-schemas/table.ts';
import type { SourceError } from '../errors.ts';
import type { HttpContext } from '../http/retry.ts';
import { partitionPath } from '../lake/partitions.ts';
import { noRowsYet, type IngestInput, type RunMark, type SourceRun } from '../lake/manifest.ts';
import type { LiveProgress } from './progress-bar.ts';
import type { Coverage } from './partition-merge.ts';
import { landRaw } from './raw.ts';
import { concatNormalized, reject, type Candidate, type Normalized } from './rows.ts';
import { settle } from './settle.ts';
import type { IngestContext, IngestSource, SourcePart } from './source.ts';
import { readSourceState, writeSourceState, type SourceState } from '../lake/source-state.ts';
import type { FetchedResponse, LiveRequest, LiveSourcePlan } from './sources/live-source.ts';

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
    if (!covered.has(path))
      rejects.push(reject(c.origin, table.name, `row for ${path} lies outside the partitions the request covers`));
    else if (!coverage.owns(c.row))
      rejects.push(
        reject(c.origin, table.name, 'row is for a product, flow, reporter or source the request did not ask for'),
      );
    else candidates.push(c);
  }
  return { candidates, rejects };
}

const mark = (ctx: IngestContext): RunMark => ({
  runId: ctx.runId,
  at: ctx.at,
  ...(ctx.period ? { period: ctx.period } : {}),
});

/** Consecutive requests of one group (a plan lists each group's requests together). */
function* groupsOf(requests: readonly LiveRequest[]): Generator<LiveRequest[]> {
  let group: LiveRequest[] = [];
  for (const request of requests) {
    if (group.length > 0 && group[0].group !== request.group) {
      yield group;
      group = [];
    }
    group.push(request);
  }
  if (group.length > 0) yield group;
}

/**
 * A live source as a source of the ingest. `collect` fetches the planned requests group by group (a
 * SourceError after retries propagates: the ingest discards what earlier groups staged and calls
 * `failed`, which marks the source stale and leaves its curated data alone), lands each body under
 * raw/ by content hash, skips responses identical to the ones last seen (`_state/<source>.json`), and
 * parses and validates the rest of the group into one part that covers exactly what those responses
 * are authoritative for — validated per table across the group's responses, so a duplicate between
 * two of them is caught. Before the first part with rows comes the part with the source's citations.
 * `committed` records the new state after the curated partitions are switched in, so a crash in
 * between only makes the next run merge again.
 */
export function liveIngestSource(
  plan: LiveSourcePlan,
  http: HttpContext,
  onFetch: (p: LiveProgress) => void = () => {},
): IngestSource {
  let state: SourceState;
  const seen: SourceState['responses'] = {};
  const requests = { planned: plan.requests.length, responses: 0, unchanged: 0 };
  const warnings: string[] = [];

  /** The source's citations: derived rows of the sources table, replaced as a set. */
  const citationsPart = (): SourcePart => {
    const ids = new Set(plan.citations.map((s) => s.source_id));
    const table = sourcesTable;
    const origin = { file: `${plan.source} citations`, line: 0, raw: {} };
    const candidates = plan.citations.map((row) => ({ table: sourcesTable.name, origin, row, derived: true }));
    return {
      inputs: [],
      derived: plan.citations.length,
      tables: [
        {
          table,
          coverages: [
            { table, partitions: [{ source: plan.source }], owns: (row) => ids.has(row.source_id as string) },
          ],
          settled: settle(table, { candidates, rejects: [] }),
        },
      ],
    };
  };

  /**
   * A group's fetched responses → one part (or none of its rows, when every response is unchanged).
   * Takes the responses out of the list one by one, so each body can go as soon as it is landed and parsed.
   */
  const partOf = async (ctx: IngestContext, responses: FetchedResponse[]): Promise<SourcePart> => {
    const part: SourcePart = { inputs: [], tables: [], derived: 0 };
    const byTable = new Map<string, { table: TableDef; coverages: Coverage[]; parts: Normalized[] }>();
    for (let response = responses.shift(); response; response = responses.shift()) {
      const landed = await landRaw(ctx.store, plan.source, response.file, response.body);
      const input: IngestInput = { file: response.file, rawKey: landed.rawKey, sha256: landed.sha256, rows: 0 };
      part.inputs.push(input);
      const previous = state.responses[response.key];
      if (previous?.sha256 === landed.sha256) {
        requests.unchanged++;
        seen[response.key] = previous;
        continue;
      }
      seen[response.key] = { sha256: landed.sha256, rawKey: landed.rawKey, runId: ctx.runId };
      const parsed = response.parse(landed.rawKey);
      input.rows = parsed.rowsRead;
      part.derived += parsed.rowsDerived;
      warnings.push(...parsed.warnings.map((w) => `${response.file}: ${w}`));
      const { table } = response.coverage;
      const entry = byTable.get(table.name) ?? { table, coverages: [], parts: [] };
      entry.coverages.push(response.coverage);
      entry.parts.push(withinCoverage(table, response.coverage, parsed));
      byTable.set(table.name, entry);
    }
    part.tables = [...byTable.values()].map(({ table, coverages, parts }) => ({
      table,
      coverages,
      settled: settle(table, concatNormalized(parts)),
    }));
    return part;
  };

  return {
    id: plan.source,

    async *collect(ctx) {
      state = await readSourceState(ctx.store, plan.source);
      for (const notice of plan.notices) ctx.progress(notice);
      let fetched = 0;
      let cited = false;
      for (const group of groupsOf(plan.requests)) {
        const responses: FetchedResponse[] = [];
        for (const request of group) {
          onFetch({
            kind: 'request',
            source: plan.source,
            done: fetched++,
            total: plan.requests.length,
            label: request.label,
          });
          responses.push(...(await request.fetch(http)));
        }
        requests.responses += responses.length;
        const part = await partOf(ctx, responses);
        if (part.tables.length > 0 && !cited) {
          cited = true;
          yield citationsPart();
        }
        yield part;
      }
      onFetch({
        kind: 'request',
        source: plan.source,
        done: plan.requests.length,
        total: plan.requests.length,
        label: '',
      });
      ctx.progress(
        `${plan.source}: ${requests.responses} responses, ${requests.unchanged} unchanged since the last run`,
      );
    },

    async committed(ctx, run) {
      const lastSuccess = mark(ctx);
      await writeSourceState(ctx.store, {
        ...state,
        status: 'fresh',
        lastSuccess,
        responses: { ...state.responses, ...seen },
      });
      return { ...run, requests, warnings, lastSuccess };
    },

    async failed(ctx, error: SourceError): Promise<SourceRun> {
      state ??= await readSourceState(ctx.store, plan.source);
      ctx.progress(
        `${plan.source}: stale, serving the data of ${state.lastSuccess ? `run ${state.lastSuccess.runId}` : 'no earlier run'}: ${error.message}`,
      );
      await writeSourceState(ctx.store, {
        ...state,
        status: 'stale',
        lastFailure: { ...mark(ctx), error: error.message, hint: error.hint },
      });
      return {
        ...noRowsYet(),
        quarantineKey: null,
        status: 'stale',
        requests,
        warnings,
        lastSuccess: state.lastSuccess,
        error: { name: error.name, message: error.message, hint: error.hint },
      };
    },
  };
}
