/** The CLI's voice: plain lines to stdout, problems to stderr. */
export const say = (line = "") => process.stdout.write(`${line}\n`);
export const complain = (line: string) => process.stderr.write(`${line}\n`);
