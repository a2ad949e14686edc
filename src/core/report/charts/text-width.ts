/**
 * Text widths for server-side layout. Without node-canvas Vega guesses 0.8 em per character, which
 * truncates labels early and pads layouts; a per-character table of Helvetica advance widths
 * (Adobe AFM, 1/1000 em, ASCII 32–126) is much closer to the sans-serif fonts pages use and, unlike
 * canvas measurement, identical on every machine. Vega documents `textMetrics.width` as the hook.
 */
const HELVETICA = [
  278,
  278,
  355,
  556,
  556,
  889,
  667,
  191,
  333,
  333,
  389,
  584,
  278,
  333,
  278,
  278, // space … /
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  278,
  278,
  584,
  584,
  584,
  556, // 0 … ?
  1015,
  667,
  667,
  722,
  722,
  667,
  611,
  778,
  722,
  278,
  500,
  667,
  556,
  833,
  722,
  778, // @ … O
  667,
  778,
  722,
  667,
  611,
  722,
  667,
  944,
  667,
  667,
  611,
  278,
  278,
  278,
  469,
  556, // P … _
  333,
  556,
  556,
  500,
  556,
  556,
  278,
  556,
  556,
  222,
  222,
  500,
  222,
  833,
  556,
  556, // ` … o
  556,
  556,
  333,
  500,
  278,
  556,
  500,
  722,
  500,
  500,
  500,
  334,
  260,
  334,
  584, // p … ~
];
const DEFAULT_WIDTH = 556;
/**
 * System UI fonts run wider than Helvetica: DejaVu Sans, Linux's default, by about a fifth on English
 * text ('t', 'r', 'i' and the space much more), its bold wider still. Err on the side of room: a
 * label estimated too short is clipped at the chart's edge on a phone.
 */
const FONT_FACTOR = 1.2;
const BOLD_FACTOR = 1.1;

export function estimateTextWidth(text: string, fontSize: number, bold: boolean): number {
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    units += code >= 32 && code <= 126 ? HELVETICA[code - 32] : DEFAULT_WIDTH;
  }
  return (units / 1000) * fontSize * FONT_FACTOR * (bold ? BOLD_FACTOR : 1);
}
