import { createHash } from 'node:crypto';
import { escapeHtml } from './html.ts';
import type { SiteFile } from './figure.ts';
import { paths } from './paths.ts';
import type { ReleaseChanges } from './release.ts';
import { siteAddress, type SiteUrl } from './site-url.ts';

/**
 * Alerts without a server: this release's threshold crossings as JSON and as an Atom feed, so a
 * reader subscribes in any feed reader. Both are functions of the release only (no build clock):
 * rebuilding the same month from the same lake writes the same bytes. Their links are absolute under
 * the site's base URL when the build was given it, else from the site root (a feed reader resolves
 * them against the feed's own address).
 */

/** A stable Atom id: a name-based UUID of the alert id (RFC 4122 §4.3 layout, SHA-1). */
function urnOf(name: string): string {
  const h = createHash('sha1').update(`chainwatch:${name}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The instant a release stands for: the first moment of its month. */
const releaseInstant = (month: string): string => `${month}-01T00:00:00Z`;

export function alertsJson(changes: ReleaseChanges, site: SiteUrl): SiteFile {
  const doc = {
    release: changes.month,
    compared_with: changes.previousMonth,
    alerts: changes.alerts.map((a) => ({
      id: a.id,
      kind: a.kind,
      cause: a.cause,
      year: a.year,
      title: a.title,
      summary: a.summary,
      page: siteAddress(site, a.href),
    })),
  };
  return { path: paths.alertsJson, body: JSON.stringify(doc, null, 1) + '\n' };
}

export function alertsAtom(changes: ReleaseChanges, site: SiteUrl): SiteFile {
  const updated = releaseInstant(changes.month);
  const x = escapeHtml;
  const subtitle = changes.previousMonth
    ? `Threshold crossings in release ${changes.month} against release ${changes.previousMonth}: HHI bands, top supplier or producer, a supplier passing half of imports; monthly anomalies and newly persistent dependency flags.`
    : `Release ${changes.month} is the first release: there is nothing to compare with yet.`;
  const entries = changes.alerts.map(
    (a) => `  <entry>
    <id>${urnOf(a.id)}</id>
    <title>${x(a.title)}</title>
    <updated>${updated}</updated>
    <link rel="alternate" type="text/html" href="${x(siteAddress(site, a.href))}"/>
    <category term="${x(a.kind)}"/>
    <category term="${x(a.cause)}"/>
    <summary>${x(a.summary)}</summary>
  </entry>`,
  );
  const body = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${urnOf('alerts')}</id>
  <title>chainwatch alerts</title>
  <subtitle>${x(subtitle)}</subtitle>
  <updated>${updated}</updated>
  <author><name>chainwatch</name></author>
  <link rel="self" type="application/atom+xml" href="${x(siteAddress(site, paths.alertsAtom))}"/>
  <link rel="alternate" type="text/html" href="${x(siteAddress(site, paths.changes))}"/>
${entries.join('\n')}${entries.length ? '\n' : ''}</feed>
`;
  return { path: paths.alertsAtom, body };
}
