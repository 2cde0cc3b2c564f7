import { demoCommand } from "./commands/demo.ts";
import { dlqCommand } from "./commands/dlq.ts";
import { hashApiKeyCommand } from "./commands/hash-api-key.ts";
import { hashPasswordCommand } from "./commands/hash-password.ts";
import { migrateCommand } from "./commands/migrate.ts";
import { reconcileCommand } from "./commands/reconcile.ts";
import { startCommand } from "./commands/start.ts";
import { complain } from "./output.ts";

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  start: startCommand,
  migrate: migrateCommand,
  reconcile: reconcileCommand,
  demo: demoCommand,
  dlq: dlqCommand,
  "hash-password": hashPasswordCommand,
  "hash-api-key": hashApiKeyCommand,
};

const USAGE = `usage: pnpm payq <command>
  start              migrate, then run producer, worker, dashboard and bank-sim
                     (on an embedded PostgreSQL when none answers and DATABASE_URL is unset)
  migrate            create the database if needed and apply migrations
  reconcile [--json] compare the ledger with the bank's statement; exit 1 on any difference
  demo [--rate N] [--count N] [--calm]
                     send payments through a flaky bank
  dlq list [filters]  the newest dead letters matching --class --step --merchant --from --to --q
  dlq replay [filters | --ids a,b] [--dry-run] [--rate N]
                     replay dead letters (exactly once in effect, audited, paced)
  hash-password      read a password on stdin, print a hash for PAYQ_DASHBOARD_USERS
  hash-api-key [--new]
                     read an API key on stdin, print its hash for PAYQ_API_KEYS;
                     --new makes a fresh key and prints it with its hash`;

const [name = "", ...args] = process.argv.slice(2);
const command = COMMANDS[name];
if (!command) {
  complain(USAGE);
  process.exit(name ? 2 : 0);
}
try {
  process.exitCode = await command(args);
} catch (error) {
  complain(`payq ${name}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
