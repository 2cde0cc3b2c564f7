import { describe, expect, it } from "vitest";
import { requestForLog } from "./logger.ts";

describe("requestForLog", () => {
  it("keeps the method, the path and the query's names, never its values", () => {
    expect(requestForLog({ method: "GET", url: "/v1/payments?api_key=sk_live_x&status=succeeded&note=a?b" })).toEqual({
      method: "GET",
      url: "/v1/payments?api_key=[redacted]&status=[redacted]&note=[redacted]",
    });
  });

  it("logs a path without a query as it is", () => {
    expect(requestForLog({ method: "POST", url: "/v1/payments" })).toEqual({ method: "POST", url: "/v1/payments" });
    expect(requestForLog({ method: "GET", url: "/v1/payments?" })).toEqual({ method: "GET", url: "/v1/payments" });
  });
});
