/** Progress of a run: a request event before each call and when a source is done, and plain progress lines. */
export type LiveProgress =
  | { kind: 'request'; source: string; done: number; total: number; label: string }
  | { kind: 'line'; text: string };

/**
 * A text progress bar for multi-request fetches. On a terminal it redraws one line per source
 * (`\r`); elsewhere (CI logs, Lambda) it prints one line per request, so logs stay readable.
 */
export function progressBar(
  write: (text: string) => void,
  o: { tty?: boolean; width?: number } = {},
): (p: LiveProgress) => void {
  const width = o.width ?? 24;
  return (p) => {
    if (p.kind === 'line') {
      write(`${o.tty ? '\r\x1b[2K' : ''}${p.text}\n`);
      return;
    }
    const filled = p.total === 0 ? width : Math.round((p.done / p.total) * width);
    const line = `${p.source.padEnd(8)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} ${p.done < p.total ? p.label : 'done'}`;
    if (o.tty) write(`\r\x1b[2K${line}${p.done === p.total ? '\n' : ''}`);
    else write(`${line}\n`);
  };
}
