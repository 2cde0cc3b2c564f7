import { createHash } from "node:crypto";

/** JSON with object keys sorted, so the same request always hashes the same way. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** What makes two requests "the same" for an idempotency key: the operation and its parameters. */
export function requestFingerprint(operation: string, params: unknown): string {
  return createHash("sha256").update(operation).update("\n").update(canonicalJson(params)).digest("hex");
}
