// The JavaScript a browser must load before the sign-in screen shows: index.html's module script
// and the chunks it modulepreloads, gzipped. Fails above the budget (run after `vite build`).
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET_BYTES = 250 * 1024;
const dist = resolve(dirname(fileURLToPath(import.meta.url)), "../dist");

let html;
try {
  html = readFileSync(join(dist, "index.html"), "utf8");
} catch {
  console.error("dist/index.html is missing: run `npm run build` first");
  process.exit(1);
}

const attribute = (tag, name) => new RegExp(`\\s${name}="([^"]+)"`).exec(tag)?.[1];
const tags = html.match(/<(script|link)\b[^>]*>/g) ?? [];
const entry = tags
  .filter((tag) => (tag.startsWith("<script") && attribute(tag, "type") === "module") || attribute(tag, "rel") === "modulepreload")
  .map((tag) => attribute(tag, "src") ?? attribute(tag, "href"))
  .filter(Boolean);

if (entry.length === 0) {
  console.error("dist/index.html names no module script");
  process.exit(1);
}

let total = 0;
for (const path of entry) {
  const gzipped = gzipSync(readFileSync(join(dist, path.replace(/^\//, ""))), { level: 9 }).length;
  total += gzipped;
  console.log(`  ${path}: ${(gzipped / 1024).toFixed(1)} KiB gzipped`);
}
const verdict = total <= BUDGET_BYTES ? "within" : "OVER";
console.log(`sign-in entry: ${(total / 1024).toFixed(1)} KiB gzipped, ${verdict} the ${BUDGET_BYTES / 1024} KiB budget`);
process.exit(total <= BUDGET_BYTES ? 0 : 1);
