import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Debian's Chromium, headless, with nothing reaching out to the network on its own. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium), or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Where screenshots go: docs/screenshots when PAYQ_SCREENSHOTS=1 (to refresh the README's pictures),
 * a temporary folder otherwise, so a test run never changes the repository.
 */
export async function screenshotDir(): Promise<string> {
  const dir =
    process.env.PAYQ_SCREENSHOTS === "1"
      ? fileURLToPath(new URL("../../docs/screenshots/", import.meta.url))
      : join(tmpdir(), "payq-screenshots");
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * Collects every Content-Security-Policy violation on `page`, across navigations: the DOM's
 * `securitypolicyviolation` events, and the "Refused to …" lines Chromium prints for what it blocks.
 */
export async function watchCspViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    const text = message.text();
    if (text.startsWith("csp-violation") || /Content Security Policy/i.test(text)) violations.push(`${page.url()}: ${text}`);
  });
  await page.addInitScript({
    content: `document.addEventListener("securitypolicyviolation", (e) =>
      console.error("csp-violation " + e.effectiveDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber));`,
  });
  return violations;
}
