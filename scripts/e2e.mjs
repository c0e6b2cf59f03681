// `npm run test:e2e`: build the app if needed, then run the Playwright tests in tests/e2e against Debian's Chromium.
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { join, dirname } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const chromium = process.env.CONCORD_CHROMIUM ?? "/usr/bin/chromium"
if (!existsSync(chromium) && process.getuid?.() === 0) {
  console.log("Installing Debian's chromium for the browser tests...")
  spawnSync("bash", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null"], { stdio: "inherit" })
}
if (!existsSync(chromium)) {
  console.error(`Chromium not found at ${chromium}: install it with \`apt-get install chromium\` (or run .ci/run, which does).`)
  process.exit(1)
}
const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], { cwd: root, stdio: "inherit" })
if (build.status != 0) process.exit(build.status ?? 1)
const run = spawnSync(process.execPath, [join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--config", "tests/e2e/vitest.config.ts", ...process.argv.slice(2)], { cwd: root, stdio: "inherit" })
process.exit(run.status ?? 1)
