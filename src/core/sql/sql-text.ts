/**
 * Lexical segments of SQL text: code, string literals / quoted identifiers, and comments.
 * Placeholder rewriting and the portability scan only look at code, so `':x'`, `"strftime"` or
 * `-- :x` are never mistaken for parameters or function calls.
 */
export interface Segment {
  kind: 'code' | 'quoted' | 'comment';
  text: string;
  /** Offset of the segment in the original text. */
  start: number;
}

export function segmentSql(sql: string): Segment[] {
  const segments: Segment[] = [];
  let codeStart = 0;
  let i = 0;
  const emit = (kind: Segment['kind'], end: number) => {
    if (codeStart < i) segments.push({ kind: 'code', text: sql.slice(codeStart, i), start: codeStart });
    segments.push({ kind, text: sql.slice(i, end), start: i });
    i = end;
    codeStart = end;
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "'" || c === '"') {
      // SQL escapes a quote by doubling it, so '' inside a literal does not end it.
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j++;
      }
      emit('quoted', Math.min(j + 1, sql.length));
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      emit('comment', end < 0 ? sql.length : end);
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      emit('comment', end < 0 ? sql.length : end + 2);
    } else {
      i++;
    }
  }
  if (codeStart < sql.length) segments.push({ kind: 'code', text: sql.slice(codeStart), start: codeStart });
  return segments;
}

/** 1-based line number of an offset. */
export const lineAt = (sql: string, offset: number): number => sql.slice(0, offset).split('\n').length;

/**
 * Split text at `;` outside literals and comments: the complete statements (without their `;`)
 * and the unfinished rest, which waits for more lines in an interactive session.
 */
export function splitStatements(text: string): { complete: string[]; rest: string } {
  const complete: string[] = [];
  let start = 0;
  for (const seg of segmentSql(text)) {
    if (seg.kind !== 'code') continue;
    for (let i = seg.text.indexOf(';'); i >= 0; i = seg.text.indexOf(';', i + 1)) {
      const statement = text.slice(start, seg.start + i).trim();
      if (statement) complete.push(statement);
      start = seg.start + i + 1;
    }
  }
  return { complete, rest: text.slice(start) };
}
