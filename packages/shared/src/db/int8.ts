/** Postgres `int8` (OID 20) carries money in minor units; amounts are capped far below 2^53. */
export const INT8_OID = 20;

export function parseSafeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 value ${text} exceeds the safe integer range`);
  return value;
}
