import { CURRENCY_EXPONENTS } from "@payq/shared";

/** Minor units as a human amount: 1999 USD → "19.99 USD". */
export function money(amount: number, currency: string): string {
  const exponent = CURRENCY_EXPONENTS.get(currency) ?? 2;
  return `${(amount / 10 ** exponent).toFixed(exponent)} ${currency}`;
}

/** A duration the way an operator reads it: "45 s", "12 min", "3 h 5 min". */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 90) return `${min} min`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

export function ago(at: Date | number, now = Date.now()): string {
  return `${duration(now - (typeof at === "number" ? at : at.getTime()))} ago`;
}

export function timestamp(at: Date | number): string {
  return new Date(at).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}
