import { InputError } from '../errors.ts';
import { lakePrefix } from './layout.ts';
import { pendingCommits } from './staged-commit.ts';
import type { ObjectStore } from '../seams/object-store.ts';

/**
 * Refuse to go on while an ingest is decided but not applied. A run killed between its commit marker
 * and its last file leaves that source's partitions half old, half new: metrics computed now would
 * mix them. The local CLI and the metrics Lambda both ask this; `rerun` says, for the first such
 * source, what finishes that ingest where the caller runs.
 */
export async function refuseOverPendingIngest(lake: ObjectStore, rerun: (source: string) => string): Promise<void> {
  const pending = [...new Set(await pendingCommits(lake, lakePrefix.ingestStagingRoot))];
  if (pending.length > 0) {
    throw new InputError(
      `An interrupted ingest of ${pending.join(', ')} has not finished moving its files into the lake`,
      `${rerun(pending[0])} (it completes the interrupted commit first), then the metrics.`,
    );
  }
}
