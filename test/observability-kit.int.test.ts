import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { RunningApp } from "@payq/runtime";
import { paymentBody } from "./support/payments-api.ts";
import { Stack } from "./support/stack.ts";

interface AlertRule {
  alert: string;
  expr: string;
}
interface Panel {
  title: string;
  targets: { expr: string }[];
}

const read = (path: string) => readFileSync(new URL(`../deploy/${path}`, import.meta.url), "utf8");
const rules = (parse(read("prometheus/alerts.yml")) as { groups: { rules: AlertRule[] }[] }).groups.flatMap((g) => g.rules);
const panels = (JSON.parse(read("grafana/payq.json")) as { panels: Panel[] }).panels;

/** Words in PromQL that are neither metric names nor followed by "(". */
const PROMQL_WORDS = new Set(["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right"]);

/**
 * The metric names a PromQL expression reads: identifiers left once strings, label matchers, ranges and
 * grouping clauses are removed, that are not functions (followed by "(") or keywords.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, "")
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "");
  return [...bare.matchAll(/(?<![\w$.])([a-zA-Z_:][\w:]*)\s*(\()?/g)]
    .filter((match) => !match[2] && !PROMQL_WORDS.has(match[1]!))
    .map((match) => match[1]!);
}

/** Every series name a /metrics page can yield, from its TYPE lines (labelled series with no samples still have one). */
function exported(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === "histogram" || type === "summary") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(`${name}${suffix}`);
  }
  return names;
}

describe("the observability kit (deploy/)", () => {
  let stack: Stack;
  let dashboard: RunningApp;
  let pages: Record<string, string>;
  beforeAll(async () => {
    stack = await Stack.start();
    dashboard = await stack.startDashboard();
    const created = await stack.api.create(paymentBody(0));
    expect(created.status).toBe(202);
    await stack.becomes(created.body.id as string, "succeeded");
    const page = async (port: number) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    pages = {
      producer: await page(stack.producer.port),
      worker: await page(stack.workerPorts[0]!),
      dashboard: await page(dashboard.port),
    };
  });
  afterAll(async () => stack?.stop());

  it("finds metric names in PromQL and nothing else", () => {
    expect(metricNames('sum by (le, step) (rate(a_bucket{x="y"}[5m])) / max(b) > 0.5 and on(instance) c_total offset 5m')).toEqual([
      "a_bucket",
      "b",
      "c_total",
    ]);
  });

  it("has every alert an operator needs", () => {
    expect(rules.map((rule) => rule.alert).sort()).toEqual([
      "PayqBreakerOpen",
      "PayqDeadLetterQueueDeep",
      "PayqDeadLetterWaitingTooLong",
      "PayqJobsStalling",
      "PayqRetryRatioHigh",
      "PayqWebhooksFailing",
      "PayqWorkerNotFetching",
      "PayqWorkerRecreated",
    ]);
  });

  it("alerts and panels read only metrics the running apps export", () => {
    const available = new Set(Object.values(pages).flatMap((text) => [...exported(text)]));
    const queries = [
      ...rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
      ...panels.flatMap((panel) => panel.targets.map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr }))),
    ];
    expect(panels.length).toBeGreaterThanOrEqual(10);
    for (const { where, expr } of queries) {
      const names = metricNames(expr);
      expect(names.length, `${where} reads no metric`).toBeGreaterThan(0);
      expect(names.filter((name) => !available.has(name)), `${where} reads metrics no app exports`).toEqual([]);
    }
  });

  it("fills the new worker series from the queues and the pipeline", () => {
    const worker = pages.worker!;
    expect(worker).toMatch(/^payq_payment_attempts_total\{attempt="first"\} 1$/m);
    expect(worker).toMatch(/^payq_queue_jobs\{queue="payments",state="waiting"\} 0$/m);
    expect(worker).toMatch(/^payq_dlq_oldest_age_seconds\{queue="payments-dead-letter"\} 0$/m);
    expect(worker).toMatch(/^# TYPE payq_worker_recreated_total counter$/m);
    expect(worker).toMatch(/^# TYPE payq_worker_fetch_stall_seconds gauge$/m);
  });
});
