// `npm start`: build the app (scripts/build.mjs) when it is missing or older than its sources, then run the server.
import { spawnSync, spawn } from "node:child_process"
import { existsSync, readdirSync, statSync } from "node:fs"
import { join, dirname } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const buildId = join(root, ".next", "BUILD_ID")
const serviceWorker = join(root, "public", "sw.js")

function newest(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stat.mtimeMs)
}

const sources = ["app", "lib", "next.config.js", "serwist.config.js", "package-lock.json", "tsconfig.json"].map(p => newest(join(root, p)))
if (!existsSync(buildId) || !existsSync(serviceWorker) || Math.max(...sources) > statSync(buildId).mtimeMs) {
  console.log("Building the app (next build, then its service worker)...")
  const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], { cwd: root, stdio: "inherit" })
  if (build.status != 0) process.exit(build.status ?? 1)
}
const server = spawn(process.execPath, ["--import", "tsx", join(root, "server", "main.ts"), ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: { NODE_ENV: "production", ...process.env, HOST: process.env.HOST ?? "0.0.0.0" }
})
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal))
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
