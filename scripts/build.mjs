// `npm run build`: the Next.js app, then the service worker that caches it for offline use (serwist.config.js).
// With --if-stale (as `npm start` and `npm run cluster` run it), only when the build is missing or older than its sources.
import { spawnSync } from "node:child_process"
import { existsSync, readdirSync, statSync } from "node:fs"
import { join, dirname } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")

function newest(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stat.mtimeMs)
}

function stale() {
  const buildId = join(root, ".next", "BUILD_ID")
  if (!existsSync(buildId) || !existsSync(join(root, "public", "sw.js"))) return true
  const sources = ["app", "lib", "next.config.js", "serwist.config.js", "package-lock.json", "tsconfig.json"].map(p => newest(join(root, p)))
  return Math.max(...sources) > statSync(buildId).mtimeMs
}

if (process.argv.includes("--if-stale")) {
  if (!stale()) process.exit(0)
  console.log("Building the app (next build, then its service worker)...")
}
const next = spawnSync(process.execPath, [join(root, "node_modules", "next", "dist", "bin", "next"), "build"], { cwd: root, stdio: "inherit" })
if (next.status != 0) process.exit(next.status ?? 1)
process.chdir(root)
// In-process rather than the `serwist build` command, which also asks the registry for newer versions of itself.
const { runBuildCommand } = await import("@serwist/cli")
const config = await (await import("../serwist.config.js")).default
await runBuildCommand({ config, watch: false })
