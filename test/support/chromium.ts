/**
 * Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core, with
 * nothing of its own reaching the network (no component updates, sync or background requests), so a
 * request a test sees came from the page.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Launch Chromium, with `args` besides the ones above, or fail with how to install it (never a skip). */
export async function launchChromium(args: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium is missing at ${CHROMIUM}; install it: apt-get update && apt-get install -y chromium (npm test installs it: scripts/test-tools.mjs)`,
    );
  return chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...args] });
}

/**
 * Everything a page does that it should not: console errors, script errors, failed requests, requests
 * leaving `origin`, error statuses and dialogs (a script ran). `current` names the page for the message.
 */
export function watchPage(page: Page, origin: string, current: () => string): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${current()}: console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${current()}: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`${current()}: a dialog opened (${d.message()}): a script ran`);
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(origin)) problems.push(`${current()}: request leaving the site: ${r.url()}`);
  });
  page.on('requestfailed', (r) => problems.push(`${current()}: request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${current()}: ${r.status()} for ${r.url()}`);
  });
  return problems;
}
