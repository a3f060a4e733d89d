import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** Screenshots of test runs: look at them (a page that renders wrong is a failure). */
export const ARTIFACTS = join(__dirname, '..', 'artifacts');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Chromium from Debian (never Playwright's download). */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
}

/** A browser context that records CSP violations the pages cause (there must be none). */
export async function strictContext(
  browser: Browser,
  options: { colorScheme?: 'light' | 'dark'; locale?: string } = {},
): Promise<{ context: BrowserContext; cspViolations: string[] }> {
  const context = await browser.newContext({ viewport: DESKTOP, ...options });
  const cspViolations: string[] = [];
  context.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return { context, cspViolations };
}

/**
 * Runs axe-core on what the page shows now. It is evaluated through the DevTools protocol, which
 * the page's CSP does not govern (an injected <script> tag would be refused by `script-src 'self'`).
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    const { violations } = await axe.run();
    return violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map((node) => ({ target: node.target })),
    }));
  });
}

/** Serious and critical violations only (what the issue forbids), as readable lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const violations = await axeViolations(page);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Saves the page at desktop and phone widths (full page) as `<name>.desktop.png` and
 * `<name>.phone.png`, checks both with axe-core, and returns the serious violations of either.
 */
export async function captureBothWidths(page: Page, name: string): Promise<string[]> {
  const found: string[] = [];
  for (const [label, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(ARTIFACTS, `${name}.${label}.png`), fullPage: true });
    found.push(...(await seriousViolations(page)).map((line) => `${label}: ${line}`));
  }
  await page.setViewportSize(DESKTOP);
  return found;
}

/** Whether the page is wider than its viewport (a layout that breaks on a phone). */
export async function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const root = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document.documentElement;
    return root.scrollWidth > root.clientWidth + 1;
  });
}

/** Signs in through the sign-in page, as a person would. */
export async function signInWithBrowser(
  page: Page,
  origin: string,
  login: string,
  password: string,
  returnTo = '/',
): Promise<void> {
  await page.goto(`${origin}/auth/sign_in?return_to=${encodeURIComponent(returnTo)}`);
  await page.getByLabel('Email or username').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/auth/sign_in'));
}
