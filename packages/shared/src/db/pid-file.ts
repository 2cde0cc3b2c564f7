import { readFileSync, rmSync, writeFileSync } from "node:fs";

/** True if a process with this pid exists (one we may not signal counts: it is alive). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes `file` for this process, or throws `refusal(holder)` while another live process holds it. A file
 * left by a process that died is taken over.
 */
export function claimPidFile(file: string, refusal: (holder: number) => Error): void {
  try {
    writeFileSync(file, String(process.pid), { flag: "wx" });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const holder = Number(readFileSync(file, "utf8"));
  if (holder !== process.pid && isProcessAlive(holder)) throw refusal(holder);
  writeFileSync(file, String(process.pid));
}

export function releasePidFile(file: string): void {
  rmSync(file, { force: true });
}
