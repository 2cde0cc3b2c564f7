import { isPasswordHash, verifyPassword } from "@payq/runtime";

/** Viewers look; operators act (replay, discard, steer breakers). */
export type Role = "viewer" | "operator";

export interface User {
  name: string;
  role: Role;
}

const USER_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
/** Checked against when the user is unknown, so a wrong name costs as long as a wrong password. */
const DECOY_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/** The dashboard's users, from `name:role:scrypt-hash,…`. Only hashes are ever held. */
export class UserDirectory {
  private constructor(private readonly users: Map<string, { role: Role; hash: string }>) {}

  static parse(spec: string): UserDirectory {
    const users = new Map<string, { role: Role; hash: string }>();
    for (const entry of spec.split(",").map((e) => e.trim()).filter(Boolean)) {
      const [name = "", role = "", ...rest] = entry.split(":");
      const hash = rest.join(":");
      if (!USER_NAME.test(name)) throw new Error(`PAYQ_DASHBOARD_USERS: "${name}" is not a valid user name`);
      if (role !== "viewer" && role !== "operator") {
        throw new Error(`PAYQ_DASHBOARD_USERS: ${name} has role "${role}"; use viewer or operator`);
      }
      if (!isPasswordHash(hash)) {
        throw new Error(`PAYQ_DASHBOARD_USERS: ${name} needs a password hash; make one with \`pnpm payq hash-password\``);
      }
      users.set(name, { role, hash });
    }
    if (users.size === 0) throw new Error("PAYQ_DASHBOARD_USERS names no users");
    return new UserDirectory(users);
  }

  /** The users whose password is one of `passwords`: the hashes are checked, as a login would. */
  async namesWithPassword(passwords: readonly string[]): Promise<string[]> {
    const users = [...this.users];
    const weak = await Promise.all(
      users.map(async ([, { hash }]) => (await Promise.all(passwords.map((p) => verifyPassword(p, hash)))).some(Boolean)),
    );
    return users.filter((_, i) => weak[i]).map(([name]) => name);
  }

  async authenticate(name: string, password: string): Promise<User | null> {
    const user = this.users.get(name);
    const valid = await verifyPassword(password, user?.hash ?? DECOY_HASH);
    return user && valid ? { name, role: user.role } : null;
  }
}
