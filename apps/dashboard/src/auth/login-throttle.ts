import type { RedisClient } from "@payq/shared";

/** Failed logins a user name may have before it is locked. */
const USER_LIMIT = 5;
/** How long a lock lasts, and the window failures are counted in. */
const LOCK_S = 15 * 60;
/** Failed logins one address may make per minute, whatever the names. */
const ADDRESS_LIMIT = 20;

export type LoginGate = { allowed: true } | { allowed: false; retryAfterS: number };

/**
 * Brute-force protection, shared by every dashboard instance through Redis: after 5 failures a user
 * name is locked for 15 minutes, and one address may fail 20 times a minute.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  /**
   * Every login key shares one hash tag: `check` and `failed` touch a user's and an address's key in one
   * MULTI, which Redis Cluster allows only within a slot.
   */
  private userKey(user: string): string {
    return `{${this.prefix}:login}:user:${user}`;
  }

  private keys(user: string, address: string) {
    return { user: this.userKey(user), address: `{${this.prefix}:login}:address:${address}` };
  }

  async check(user: string, address: string): Promise<LoginGate> {
    const keys = this.keys(user, address);
    const results = (await this.redis.multi().get(keys.user).ttl(keys.user).get(keys.address).ttl(keys.address).exec()) ?? [];
    const [userFailures, userTtl, addressFailures, addressTtl] = [0, 1, 2, 3].map((i) => Number(results[i]?.[1] ?? 0));
    if (userFailures! >= USER_LIMIT) return { allowed: false, retryAfterS: Math.max(1, userTtl!) };
    if (addressFailures! >= ADDRESS_LIMIT) return { allowed: false, retryAfterS: Math.max(1, addressTtl!) };
    return { allowed: true };
  }

  async failed(user: string, address: string): Promise<void> {
    const keys = this.keys(user, address);
    await this.redis
      .multi()
      .incr(keys.user)
      .expire(keys.user, LOCK_S, "NX")
      .incr(keys.address)
      .expire(keys.address, 60, "NX")
      .exec();
  }

  async succeeded(user: string): Promise<void> {
    await this.redis.del(this.userKey(user));
  }
}
