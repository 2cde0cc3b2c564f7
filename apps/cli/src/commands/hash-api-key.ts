import { parseArgs } from "node:util";
import { hashApiKey, isWellFormedApiKey, MIN_API_KEY_LENGTH, newApiKey } from "@payq/runtime";
import { complain, say } from "../output.ts";
import { readLine } from "../read-line.ts";

/**
 * `payq hash-api-key [--new]`: prints `sha256:<hex>` for a key read from stdin, for PAYQ_API_KEYS
 * (`merchantId:sha256:<hex>`). With `--new`, makes a fresh random key and prints it with its hash.
 * The key comes on stdin, never as an argument, so it stays out of shell history and `ps`.
 */
export async function hashApiKeyCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { new: { type: "boolean", default: false } } });
  if (values.new) {
    const key = newApiKey();
    say(`key   ${key}`);
    say(`hash  ${hashApiKey(key)}`);
    return 0;
  }
  const key = await readLine("API key");
  if (!key || !isWellFormedApiKey(key)) {
    complain(
      `an API key is ${MIN_API_KEY_LENGTH} to 256 printable characters without spaces; ` +
        "`pnpm payq hash-api-key --new` makes one",
    );
    return 1;
  }
  say(hashApiKey(key));
  return 0;
}
