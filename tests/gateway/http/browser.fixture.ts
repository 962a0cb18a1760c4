import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * A real browser for the pages people open: Debian's Chromium (`apt-get install chromium`), driven
 * by playwright-core. `CHROMIUM_PATH` names another build. Without one, the page suites are skipped
 * with a note, except in CI (`CI=true`), where a missing browser fails them: `.ci/run` installs it.
 */

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The browser's executable, or undefined when this machine has none. */
export function chromiumPath(): string | undefined {
  const named = process.env.CHROMIUM_PATH;
  if (named !== undefined && named !== '') return named;
  return CANDIDATES.find((candidate) => existsSync(candidate));
}

/** `describe`, or `describe.skip` (with a note why) when no browser is installed outside CI. */
export function describeInBrowser(name: string, body: () => void): void {
  if (chromiumPath() !== undefined || process.env.CI === 'true') {
    describe(name, body);
    return;
  }
  console.warn(`${name}: skipped, no Chromium here (apt-get install chromium, or set CHROMIUM_PATH)`);
  describe.skip(name, body);
}

/**
 * Starts headless Chromium. The flags keep it off the network beyond the page itself: this
 * machine refuses every other connection, and Chromium would otherwise try many at each start.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (executablePath === undefined) {
    throw new Error('no Chromium found: apt-get install chromium, or set CHROMIUM_PATH');
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What a page reported as going wrong: console errors, uncaught exceptions, failed requests. */
export interface PageTrouble {
  readonly messages: string[];
}

/** Collects everything the page reports as going wrong from now on. */
export function watchTrouble(page: Page): PageTrouble {
  const messages: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') messages.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => messages.push(`exception: ${error.message}`));
  page.on('requestfailed', (request) =>
    messages.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`),
  );
  return { messages };
}

/*
 * What runs inside the page is written as text: the project compiles without the DOM's types, so
 * that no browser global can slip into the code that runs on Node.
 */

/** The computed value of a CSS property (`background-color`) of the first element `selector` finds. */
export async function computedStyle(page: Page, selector: string, property: string): Promise<string> {
  const element = `document.querySelector(${JSON.stringify(selector)})`;
  const value: unknown = await page.evaluate(
    `getComputedStyle(${element}).getPropertyValue(${JSON.stringify(property)})`,
  );
  return String(value);
}

/** True when the page is wider than its viewport: the reader would have to scroll sideways. */
export async function scrollsSideways(page: Page): Promise<boolean> {
  const wider: unknown = await page.evaluate(
    'document.documentElement.scrollWidth > document.documentElement.clientWidth',
  );
  return wider === true;
}

/** Waits until the image `selector` finds is loaded and decoded. */
export async function imageDecoded(page: Page, selector: string): Promise<void> {
  await page.evaluate(`document.querySelector(${JSON.stringify(selector)}).decode()`);
}

/** One WCAG rule a page breaks, with where. */
export interface AccessibilityViolation {
  readonly rule: string;
  readonly impact: string | null;
  readonly targets: string[];
}

/**
 * Runs axe-core (WCAG 2.1 A and AA rules) on the page as it stands and returns what it breaks.
 * The page's context must bypass its Content-Security-Policy (`bypassCSP`), which would refuse
 * the injected script.
 */
export async function accessibilityViolations(page: Page): Promise<AccessibilityViolation[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate<{
    violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[];
  }>('axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })');
  return result.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact,
    targets: violation.nodes.map((node) => node.target.join(' ')),
  }));
}
