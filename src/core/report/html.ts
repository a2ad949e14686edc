/**
 * HTML building with escaping by default. Every value interpolated into `html` goes through
 * `escapeHtml` unless it is already `SafeHtml` (markup built by `html` itself, or rendered SVG
 * wrapped with `trustedMarkup`). Data never reaches a page any other way.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The one escaping helper: text and attribute values alike (quotes are escaped too). */
export const escapeHtml = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]);

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(value);
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0];
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1];
  });
  return new SafeHtml(out);
}

/** Markup produced by a trusted renderer (Vega's SVG serializer escapes text and attributes itself). */
export const trustedMarkup = (markup: string): SafeHtml => new SafeHtml(markup);
