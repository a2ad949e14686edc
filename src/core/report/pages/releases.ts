import { html } from '../html.ts';
import type { Mount } from '../layout.ts';
import type { SiteModel } from '../model.ts';
import type { PagePlan } from '../page.ts';
import { mounts, paths, relativeHref } from '../paths.ts';
import type { ReleaseIndex } from '../release.ts';

/** `releases/index.html`: every release, newest first, each a permanent copy of the whole site. */
export function releasesPage(model: SiteModel, index: ReleaseIndex): PagePlan & { outsideRelease: true } {
  const path = mounts.releasesIndex;
  const newestFirst = [...index.releases].reverse();
  return {
    path,
    title: 'All releases',
    nav: 'releases',
    outsideRelease: true,
    charts: [],
    sourceIds: [],
    body: () => html`<h1>All releases</h1>
<p class="lede">One release a month. Each is kept unchanged under <code>releases/&lt;YYYY-MM&gt;/</code>, so a link to a page of a release shows the same figures forever; <code>latest/</code> and the site root always show the newest release. A rebuild in the same month replaces that month’s release; earlier months are never rewritten.</p>
<div class="table-scroll"><table>
<thead><tr><th scope="col">Release</th><th scope="col">What changed</th><th scope="col">Alerts</th></tr></thead>
<tbody>${newestFirst.map(
      (r) =>
        html`<tr><td><a href="${relativeHref(path, mounts.release(r.month) + paths.overview)}">${r.month}</a>${r.month === model.release.month ? ' (latest)' : ''}</td><td><a href="${relativeHref(path, mounts.release(r.month) + paths.changes)}">changes</a></td><td><a href="${relativeHref(path, mounts.release(r.month) + paths.alertsAtom)}" type="application/atom+xml">Atom</a> · <a href="${relativeHref(path, mounts.release(r.month) + paths.alertsJson)}">JSON</a></td></tr>`,
    )}</tbody>
</table></div>`,
  };
}

/**
 * A page an earlier release had and this one does not (a product no longer traded, a country no
 * longer a top supplier): its `latest/` address stays valid and points to the last release that had it.
 */
export function gonePage(path: string, lastRelease: string, mount: Mount): PagePlan & { outsideRelease: true } {
  return {
    path,
    outsideRelease: true,
    title: 'Not in this release',
    nav: '',
    charts: [],
    sourceIds: [],
    body: (ctx) => html`<h1>Not in this release</h1>
<p class="lede">This page was in release ${lastRelease} and is not in the latest release: the data it showed are no longer in the lake.</p>
<p><a href="${relativeHref(mount + path, mounts.release(lastRelease) + path)}">The page as of release ${lastRelease}</a> · <a href="${ctx.href(paths.changes)}">What changed</a></p>`,
  };
}
