/**
 * Releases across builds: two months from two lakes (new data for one product, a revised year of
 * another, a commodity gone), what the second release says changed, its alerts and Atom feed, the
 * immutability of the first release, permalinks, and same-month rebuilds.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSiteFolder } from '../../src/cli/site-folder-build.ts';
import { HHI_BANDS } from '../../src/core/report/thresholds.ts';
import { InputError } from '../../src/core/errors.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import type { TradeFlow } from '../../data-schemas/index.ts';
import { fixtureLake, writeFixtureLake, type FixtureLake } from '../fixtures/report/fixture-lake.ts';

const FIRST = '2026-01';
const SECOND = '2026-02';
/** 2025 for 280530 (new data): Japan overtakes China, HHI falls into the 0.25–0.40 band, no supplier above half. */
const NEW_YEAR: Record<string, number> = { JPN: 3_500_000, CHN: 3_000_000, EST: 2_500_000, KOR: 1_000_000 };
/** 854231 in 2023, as the source restated it (a revision): Taiwan's imports much larger. */
const REVISED_TWN_2023 = 70_000_000;

let work: string;
let site: string;
let snapshotOfFirst: Record<string, string>;

async function filesOf(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}
const read = (path: string) => readFile(join(site, path), 'utf8');
const hashes = async (dir: string) =>
  Object.fromEntries(
    await Promise.all(
      (await filesOf(dir)).map(async (f) => [
        f,
        createHash('sha256')
          .update(await readFile(join(dir, f)))
          .digest('hex'),
      ]),
    ),
  );

function secondLake(): FixtureLake {
  const lake = fixtureLake();
  const template = lake.tradeFlows.find((f) => f.hs6 === '280530' && f.partner_iso3 === 'CHN')!;
  const partner: Record<string, [string, string]> = {
    JPN: ['392', 'Japan'],
    CHN: ['156', 'China'],
    EST: ['233', 'Estonia'],
    KOR: ['410', 'Rep. of Korea'],
  };
  for (const [iso3, value] of Object.entries(NEW_YEAR)) {
    lake.tradeFlows.push({
      ...template,
      year: 2025,
      partner_iso3: iso3,
      partner_code: partner[iso3][0],
      partner_name: partner[iso3][1],
      value_usd: value,
    } satisfies TradeFlow);
  }
  lake.tradeFlows.find((f) => f.hs6 === '854231' && f.year === 2023 && f.partner_iso3 === 'TWN')!.value_usd =
    REVISED_TWN_2023;
  lake.production = lake.production.filter((r) => !(r.commodity === 'rare_earths' && r.measure === 'mine_production'));
  return lake;
}

async function build(lake: FixtureLake, month: string, name: string, builtAt = new Date(`${month}-15T00:00:00Z`)) {
  const store = new FolderObjectStore(join(work, `${name}-lake`));
  await writeFixtureLake(store, lake);
  return buildSiteFolder({ store, outDir: site, releaseMonth: month, builtAt });
}

/** HHI band index of a set of supplier values, computed here: -1 below the first band. */
function bandOf(values: number[]): number {
  const total = values.reduce((s, v) => s + v, 0);
  const hhi = values.reduce((s, v) => s + (v / total) ** 2, 0);
  return HHI_BANDS.reduce((band, b, i) => (hhi > b.from ? i : band), -1);
}

const supplierValues = (lake: FixtureLake, hs6: string, year: number) =>
  lake.tradeFlows
    .filter((f) => f.hs6 === hs6 && f.year === year && f.flow === 'M' && !f.partner_is_aggregate)
    .map((f) => ({ iso3: f.partner_iso3, value: f.value_usd! }));

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-releases-'));
  site = join(work, 'site');
  await build(fixtureLake(), FIRST, 'first');
  snapshotOfFirst = await hashes(join(site, 'releases', FIRST));
  await build(secondLake(), SECOND, 'second');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('two consecutive releases with a changed input', () => {
  it('keep the first release byte for byte and list both', async () => {
    expect(await hashes(join(site, 'releases', FIRST))).toEqual(snapshotOfFirst);
    expect(JSON.parse(await read('releases/index.json')).releases.map((r: { month: string }) => r.month)).toEqual([
      FIRST,
      SECOND,
    ]);
    const list = await read('releases/index.html');
    expect(list).toContain(`href="${FIRST}/index.html">${FIRST}</a>`);
    expect(list).toContain(`href="${SECOND}/index.html">${SECOND}</a> (latest)`);
  });

  it('say what changed: new data as change, the restated year as revision, with the thresholds crossed', async () => {
    const page = await read('changes.html');
    expect(page).toContain(`Compared with release ${FIRST}`);
    const [newData, revisions] = [
      /<h2 id="new-data">[\s\S]*?<\/table>/.exec(page)![0],
      /<h2 id="revisions">[\s\S]*?<\/table>/.exec(page)![0],
    ];
    expect(newData).toContain('Rare-earth metals (HS 280530)</a></td><td>2025 <span class="small">vs 2024</span>');
    expect(newData).not.toContain('HS 854231');
    expect(revisions).toContain('Processors and controllers (ICs) (HS 854231)</a></td><td>2023</td>');
    expect(revisions).not.toContain('HS 280530');
    expect(page).toContain('<h2 id="removed">Series no longer in the data</h2>');
    expect(page).toContain('Rare earths mine production (USGS_MCS2025_REE) (last in release 2026-01)');
  });

  it('raise alerts for the crossings the data imply, in alerts.json and the Atom feed', async () => {
    const lake = secondLake();
    const [before, after] = [supplierValues(lake, '280530', 2024), supplierValues(lake, '280530', 2025)];
    const top = (cell: { iso3: string; value: number }[]) => [...cell].sort((a, b) => b.value - a.value)[0];
    const share = (cell: { iso3: string; value: number }[]) => top(cell).value / cell.reduce((s, c) => s + c.value, 0);
    const expected: string[] = [];
    if (bandOf(before.map((c) => c.value)) !== bandOf(after.map((c) => c.value)))
      expected.push('hhi-band/change/280530');
    if (top(before).iso3 !== top(after).iso3) expected.push('top-supplier/change/280530');
    if (share(before) > 0.5 !== share(after) > 0.5) expected.push('majority-supplier/change/280530');
    const [first, revised] = [supplierValues(fixtureLake(), '854231', 2023), supplierValues(lake, '854231', 2023)];
    if (bandOf(first.map((c) => c.value)) !== bandOf(revised.map((c) => c.value)))
      expected.push('hhi-band/revision/854231');
    if (share(first) > 0.5 !== share(revised) > 0.5) expected.push('majority-supplier/revision/854231');
    expect(expected.length).toBeGreaterThanOrEqual(4); // the fixture is built to cross them

    const alerts = JSON.parse(await read('alerts.json'));
    expect(alerts).toMatchObject({ release: SECOND, compared_with: FIRST });
    const product = alerts.alerts.filter((a: { page: string }) => a.page.startsWith('products/'));
    expect(
      product
        .map((a: { kind: string; cause: string; page: string }) => `${a.kind}/${a.cause}/${a.page.slice(9, 15)}`)
        .sort(),
    ).toEqual(expected.sort());
    for (const a of alerts.alerts) expect(await readFile(join(site, a.page))).toBeTruthy();

    const atom = await read('alerts.xml');
    expect(atom).toMatch(
      /^<\?xml version="1\.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom">/,
    );
    const entries = [...atom.matchAll(/<entry>([\s\S]*?)<\/entry>/g)].map((m) => m[1]);
    expect(entries).toHaveLength(alerts.alerts.length);
    const ids = entries.map((e) => /<id>(urn:uuid:[0-9a-f-]{36})<\/id>/.exec(e)![1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of entries) expect(e).toContain(`<updated>${SECOND}-01T00:00:00Z</updated>`);
    // The first release had nothing to compare with: an empty feed, said so.
    expect(JSON.parse(await readFile(join(site, 'releases', FIRST, 'alerts.json'), 'utf8')).alerts).toEqual([]);
    expect(await readFile(join(site, 'releases', FIRST, 'changes.html'), 'utf8')).toContain(
      'This is the first release',
    );
  });

  it('mark headline figures unchanged, revised or moved on since the previous release', async () => {
    const index = await read('index.html');
    const us = /<article class="card" id="headline-us-fab-capacity">([\s\S]*?)<\/article>/.exec(index)![1];
    expect(us).toContain(`unchanged since release ${FIRST}`);
    expect(index).toContain(`Since release ${FIRST}:`);
  });

  it('keep every permalink of the first release working under latest/: a gone page says where it went', async () => {
    const firstPages = (await filesOf(join(site, 'releases', FIRST))).filter((f) => f.endsWith('.html'));
    const latest = await filesOf(join(site, 'latest'));
    for (const p of firstPages) expect(latest, p).toContain(p);
    const gone = await read('latest/production/rare_earths.html');
    expect(gone).toContain('Not in this release');
    const link = /<a href="([^"]+)">The page as of release 2026-01<\/a>/.exec(gone)![1];
    expect(posix.normalize(posix.join('latest/production', link))).toBe(
      `releases/${FIRST}/production/rare_earths.html`,
    );
    expect(await read(`releases/${FIRST}/production/rare_earths.html`)).toContain('Rare earths');
  });
});

describe('links across the copies', () => {
  it('resolve to a file from every page of every copy, the gone pages included', async () => {
    const files = new Set(await filesOf(site));
    const broken: string[] = [];
    for (const page of [...files].filter((f) => f.endsWith('.html'))) {
      for (const m of (await read(page)).matchAll(/\shref="([^"#]+)(#[^"]*)?"/g)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(m[1])) continue;
        const target = posix.normalize(posix.join(posix.dirname(page), m[1]));
        if (!files.has(target)) broken.push(`${page} → ${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('rebuilding', () => {
  it('the same month from the same lake rewrites the same release files, and leaves the other month alone', async () => {
    const before = await hashes(join(site, 'releases', SECOND));
    await build(secondLake(), SECOND, 'second-again', new Date(`${SECOND}-28T12:00:00Z`));
    expect(await hashes(join(site, 'releases', SECOND))).toEqual(before);
    expect(await hashes(join(site, 'releases', FIRST))).toEqual(snapshotOfFirst);
  });

  it('refuses a month older than the newest release: earlier releases are never rewritten', async () => {
    await expect(build(fixtureLake(), '2025-12', 'older')).rejects.toThrow(InputError);
    await expect(build(fixtureLake(), '2025-12', 'older')).rejects.toThrow(/older than the newest release, 2026-02/);
    await expect(build(fixtureLake(), '2026-1', 'bad')).rejects.toThrow(/is not YYYY-MM/);
    expect(await hashes(join(site, 'releases', FIRST))).toEqual(snapshotOfFirst);
  });
});
