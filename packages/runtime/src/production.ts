import { z } from "zod";

/** `NODE_ENV=production` turns the public development defaults into startup errors. */
export const deploymentEnv = {
  NODE_ENV: z.string().default("development"),
};

export const isProduction = (env: { NODE_ENV: string }) => env.NODE_ENV === "production";

/**
 * A check for an app's env schema (`.superRefine`): in production, each variable named in `defaults`
 * must be set, and not to its development value, which anyone can read in this repository.
 */
export function refuseDevelopmentDefaults(defaults: Record<string, string>) {
  return (env: { NODE_ENV: string }, ctx: z.RefinementCtx): void => {
    if (!isProduction(env)) return;
    const values = env as unknown as Record<string, unknown>;
    for (const [name, development] of Object.entries(defaults)) {
      const value = values[name];
      if (typeof value === "string" && value.trim() !== "" && value !== development) continue;
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: "is unset, empty or the public development value; NODE_ENV=production needs a secret of its own",
      });
    }
  };
}
