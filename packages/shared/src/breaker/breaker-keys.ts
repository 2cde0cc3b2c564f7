/** Breaker names: a dependency (`bank`) or a webhook host (`webhook:shop.example:8443`). */
const BREAKER_NAME = /^[A-Za-z0-9_.:-]{1,200}$/;

/**
 * A breaker's keys. They share one hash tag, so its script runs on Redis Cluster; different breakers
 * land on different slots. The set of known breaker names lives outside any tag.
 */
export function breakerKeys(prefix: string, name: string) {
  if (!BREAKER_NAME.test(name)) throw new Error(`invalid breaker name "${name}"`);
  const tag = `{${prefix}:breaker:${name}}`;
  return { state: `${tag}:state`, events: `${tag}:events`, budget: `${tag}:budget` };
}

export const breakerRegistryKey = (prefix: string) => `${prefix}:breakers`;
