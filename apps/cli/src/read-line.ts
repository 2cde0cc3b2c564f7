import { createInterface } from "node:readline/promises";

/** The first line on stdin, prompting on stderr when a person is typing; undefined when stdin is empty. */
export async function readLine(prompt: string): Promise<string | undefined> {
  const input = createInterface({ input: process.stdin, terminal: false });
  if (process.stdin.isTTY) process.stderr.write(`${prompt}: `);
  const line = (await input[Symbol.asyncIterator]().next()).value as string | undefined;
  input.close();
  return line;
}
