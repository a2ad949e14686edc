/**
 * The documentation holds together: every relative link in README.md, SECURITY.md and docs/*.md names
 * a file that exists, and a `#fragment` names a heading of its page (GitHub's anchors). The README
 * stays a quickstart that points at docs/, not the manual itself.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/core/project-root.ts';

const pages = ['README.md', 'SECURITY.md', ...readdirSync(join(PROJECT_ROOT, 'docs')).map((f) => `docs/${f}`)]
  .filter((p) => p.endsWith('.md'))
  .map((p) => resolve(PROJECT_ROOT, p));

/** GitHub's heading anchor: lower case, punctuation but "_" and "-" dropped, spaces to hyphens. */
const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[`*]/g, '')
    .replace(/[^\p{L}\p{N}_ -]/gu, '')
    .replace(/ /g, '-');

function anchorsOf(page: string): Set<string> {
  const text = readFileSync(page, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
}

/** Markdown links outside code blocks and inline code: [text](target). */
function linksOf(page: string): string[] {
  const text = readFileSync(page, 'utf8')
    .replace(/```[\s\S]*?```/g, '')
    .replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
}

describe('documentation links', () => {
  it('finds the pages and their links (the check below is not vacuous)', () => {
    expect(pages.length).toBeGreaterThanOrEqual(10);
    expect(linksOf(resolve(PROJECT_ROOT, 'README.md')).length).toBeGreaterThanOrEqual(10);
  });

  for (const page of pages) {
    it(`${relative(PROJECT_ROOT, page)}: every relative link and anchor resolves`, () => {
      const broken: string[] = [];
      for (const link of linksOf(page)) {
        if (/^[a-z]+:/i.test(link)) continue;
        const [path, fragment] = link.split('#');
        const target = path ? resolve(dirname(page), decodeURI(path)) : page;
        if (!existsSync(target)) {
          broken.push(`${link}: no such file`);
          continue;
        }
        if (fragment && target.endsWith('.md') && statSync(target).isFile() && !anchorsOf(target).has(fragment))
          broken.push(`${link}: no heading with that anchor`);
      }
      expect(broken).toEqual([]);
    });
  }

  it('README.md is a quickstart (about 8 KB at most) whose first section is the quickstart', () => {
    const readme = readFileSync(resolve(PROJECT_ROOT, 'README.md'), 'utf8');
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(8 * 1024);
    expect(readme.match(/^## (.+)$/m)?.[1]).toBe('Quickstart');
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });
});
