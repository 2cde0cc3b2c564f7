import { describe, expect, it } from "vitest";
import { classifyFailure, type FailureClass, type FailureSignal } from "./classify.ts";

const TABLE: [FailureSignal, FailureClass][] = [
  [{ kind: "http_status", status: 402 }, "declined"],
  [{ kind: "http_status", status: 429 }, "rate_limited"],
  [{ kind: "http_status", status: 408 }, "transient"],
  [{ kind: "http_status", status: 500 }, "transient"],
  [{ kind: "http_status", status: 503 }, "transient"],
  [{ kind: "http_status", status: 400 }, "permanent"],
  [{ kind: "http_status", status: 404 }, "permanent"],
  [{ kind: "http_status", status: 422 }, "permanent"],
  [{ kind: "network", code: "ECONNREFUSED" }, "transient"],
  [{ kind: "network", code: "ECONNRESET" }, "transient"],
  [{ kind: "network", code: "UND_ERR_SOCKET" }, "transient"],
  [{ kind: "network", code: "EAI_AGAIN" }, "transient"],
  [{ kind: "network", code: "CERT_HAS_EXPIRED" }, "permanent"],
  [{ kind: "network", code: "ERR_INVALID_URL" }, "permanent"],
  [{ kind: "timeout", requestSent: true }, "ambiguous"],
  [{ kind: "timeout", requestSent: false }, "transient"],
  [{ kind: "sqlstate", code: "08006" }, "transient"],
  [{ kind: "sqlstate", code: "40001" }, "transient"],
  [{ kind: "sqlstate", code: "40P01" }, "transient"],
  [{ kind: "sqlstate", code: "57P01" }, "transient"],
  [{ kind: "sqlstate", code: "53300" }, "transient"],
  [{ kind: "sqlstate", code: "23505" }, "permanent"],
  [{ kind: "sqlstate", code: "23514" }, "permanent"],
  [{ kind: "sqlstate", code: "P0001" }, "permanent"],
  [{ kind: "invalid_payment" }, "permanent"],
  [{ kind: "unexpected" }, "transient"],
];

describe("classifyFailure", () => {
  it.each(TABLE)("%j → %s", (signal, expected) => {
    expect(classifyFailure(signal)).toBe(expected);
  });
});
