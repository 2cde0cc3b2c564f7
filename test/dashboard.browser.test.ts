import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "@payq/runtime";
import { waitFor } from "@payq/testing";
import { launchBrowser, screenshotDir, watchCspViolations } from "./support/browser.ts";
import { deadLetterQueueDepth } from "./support/dead-letters.ts";
import { paymentBody } from "./support/payments-api.ts";
import { Stack } from "./support/stack.ts";

describe("the ops console in a real browser", () => {
  let stack: Stack;
  let dashboard: RunningApp;
  let browser: Browser;
  let base: string;
  let shots: string;
  const transient: string[] = [];

  beforeAll(async () => {
    stack = await Stack.start({
      env: { RETRY_MAX_ATTEMPTS: "2", BREAKER_ENABLED: "false", ALERT_DLQ_DEPTH: "5" },
    });
    dashboard = await stack.startDashboard();
    base = `http://127.0.0.1:${dashboard.port}`;
    browser = await launchBrowser();
    shots = await screenshotDir();

    // A flaky bank leaves dead letters of two kinds: transient (retries ran out) and permanent.
    await stack.bankApi.setFaults({ failureRate: 1 });
    const created = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => stack.api.create(paymentBody(i, { description: `browser order ${i}` }))));
    transient.push(...created.map((r) => r.body.id as string));
    await Promise.all(transient.map((id) => stack.becomes(id, "dead_lettered")));
    await stack.bankApi.heal();
    const refused = await Promise.all([7, 8].map((i) => stack.api.create(paymentBody(i, { source: "tok_invalid_account" }))));
    await Promise.all(refused.map((r) => stack.becomes(r.body.id as string, "dead_lettered")));
    await Promise.all([9, 10, 11].map((i) => stack.api.create(paymentBody(i))));
    await waitFor(async () => (await stack.openPayments()) === 0);
    await waitFor(async () => (await deadLetterQueueDepth(stack)) === 8);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function signIn(page: Page, user: string, password: string): Promise<void> {
    await page.goto(`${base}/dead-letters`);
    await page.fill("#username", user);
    await page.fill("#password", password);
    await page.click("button[type=submit]");
    await page.waitForURL(`${base}/dead-letters`);
  }

  it("lets an operator filter dead letters, replay the filtered set, watch them succeed, and see it audited", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const violations = await watchCspViolations(page);
    await signIn(page, "admin", "payq-admin");
    await page.goto(`${base}/`);
    await expect.poll(() => page.locator(".banner").first().textContent()).toContain("8 dead letters waiting");
    await page.screenshot({ path: join(shots, "overview.png"), fullPage: true });

    await page.goto(`${base}/dead-letters`);
    await page.selectOption("select[name=errorClass]", "transient");
    await page.click("form.filters button[type=submit]");
    await expect.poll(() => page.locator("[data-count=matching]").textContent()).toBe("6");
    expect(await page.locator("#dead-letters tbody input[name=selected]").count()).toBe(6);
    await page.screenshot({ path: join(shots, "dead-letters.png"), fullPage: true });

    await page.fill("#replay-rate", "50");
    await page.click("[data-action=replay-filter]");
    const dialog = page.locator("#confirm-dialog");
    await expect.poll(() => dialog.locator("p").textContent()).toContain("Replay 6 payments");
    await dialog.locator("button[value=confirm]").click();
    await expect.poll(() => page.locator("#run-progress .status").textContent(), { timeout: 20_000 }).toMatch(/completed: 6 of 6 \(replayed 6/);
    for (const id of transient) await stack.becomes(id, "succeeded");
    await page.goto(`${base}/dead-letters?errorClass=transient`);
    expect(await page.locator("[data-count=matching]").textContent()).toBe("0");

    await page.goto(`${base}/dead-letters`);
    await page.locator("#dead-letters tbody a.mono").first().click();
    await page.waitForSelector("text=Attempts");
    await page.screenshot({ path: join(shots, "dead-letter.png"), fullPage: true });

    await page.goto(`${base}/breakers`);
    await page.screenshot({ path: join(shots, "breakers.png"), fullPage: true });

    await page.goto(`${base}/audit`);
    const audit = page.locator("tbody tr").first();
    expect(await audit.textContent()).toContain("dlq.replay");
    expect(await audit.textContent()).toContain('"errorClass":"transient"');
    expect(await audit.textContent()).toContain("completed");
    await page.screenshot({ path: join(shots, "audit.png"), fullPage: true });

    await page.goto(`${base}/queues/queue/payments-dead-letter`);
    await page.waitForSelector(`text=${transient[0]!.slice(0, 8)}`, { timeout: 15_000 }).catch(() => undefined);
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: join(shots, "queues.png") });
    expect(violations).toEqual([]);
    await page.close();
  });

  it("loads the console and bull-board with no Content-Security-Policy violation", async () => {
    const page = await browser.newPage();
    const violations = await watchCspViolations(page);
    await signIn(page, "viewer", "payq-viewer");
    const letter = await page.locator("#dead-letters tbody a.mono").first().getAttribute("href");
    const job = (await stack.queues.paymentsDeadLetter.getJobs(["waiting"], 0, 0))[0]!;
    for (const path of ["/", "/dead-letters", letter!, "/breakers", "/audit", "/queues", "/queues/queue/payments-dead-letter", `/queues/queue/payments-dead-letter/${job.id}`]) {
      await page.goto(`${base}${path}`);
      await page.waitForLoadState("networkidle");
    }
    await page.waitForSelector(`text=${job.id!.slice(0, 8)}`, { timeout: 15_000 });
    expect(violations).toEqual([]);

    // The watch itself can fail: an injected inline script is refused, and reported.
    await page.goto(`${base}/`);
    await page.evaluate(() => {
      const doc = (globalThis as any).document;
      const script = doc.createElement("script");
      script.textContent = "window.injected = true";
      doc.body.append(script);
    });
    await expect.poll(() => violations.length).toBeGreaterThan(0);
    expect(violations.join("\n")).toContain("script-src");
    expect(await page.evaluate(() => (globalThis as any).injected)).toBeUndefined();
    await page.close();
  });

  it("shows a viewer no replay controls, and refuses a forged replay", async () => {
    const page = await browser.newPage();
    const violations = await watchCspViolations(page);
    await signIn(page, "viewer", "payq-viewer");
    expect(await page.locator("#dead-letters tbody tr").count()).toBe(2);
    expect(await page.locator("[data-action]").count()).toBe(0);
    // Runs in the page: `document` is the browser's, not this test's.
    const status = await page.evaluate(async () => {
      const csrf: string = (globalThis as any).document.querySelector('meta[name="csrf-token"]')?.content ?? "";
      const response = await fetch("/api/dead-letters/replay", {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": csrf },
        body: JSON.stringify({ filter: {} }),
      });
      return response.status;
    });
    expect(status).toBe(403);
    expect(await stack.statusCounts()).toMatchObject({ dead_lettered: 2 });
    expect(violations).toEqual([]);
    await page.close();
  });
});
