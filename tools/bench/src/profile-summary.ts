/**
 * Reads the V8 CPU profiles in a directory (from `pnpm bench --profile DIR`) and prints, per process,
 * where its samples went: by package or source file, and the hottest functions.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
}

/** A package for dependencies, the file for payq's own code, or V8's own label. */
function placeOf(url: string): string {
  if (!url) return "(native/V8)";
  const dependency = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1]!;
  const own = /\/(apps|packages|tools)\/(.+)$/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  return url.startsWith("node:") ? "node core" : url;
}

const dir = process.argv[2];
if (!dir) throw new Error("usage: pnpm bench:profile DIR");
for (const file of (await readdir(dir)).filter((f) => f.endsWith(".cpuprofile")).sort()) {
  const profile = JSON.parse(await readFile(join(dir, file), "utf8")) as Profile;
  const total = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  if (total === 0) continue;
  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const place = placeOf(node.callFrame.url);
    byPlace.set(place, (byPlace.get(place) ?? 0) + hits);
    const fn = `${node.callFrame.functionName || "(anonymous)"} ${place}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, hits]) => `  ${((hits / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
  process.stdout.write(`\n${file}: ${total} samples over ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s\n`);
  process.stdout.write(`by place:\n${top(byPlace, 14).join("\n")}\nhottest functions:\n${top(byFunction, 12).join("\n")}\n`);
}
