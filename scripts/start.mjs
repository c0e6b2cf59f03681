// `npm start`: build the app (scripts/build.mjs) when it is missing or older than its sources, then run the server.
import { spawnSync, spawn } from "node:child_process"
import { join, dirname } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs"), "--if-stale"], { cwd: root, stdio: "inherit" })
if (build.status != 0) process.exit(build.status ?? 1)
const server = spawn(process.execPath, ["--import", "tsx", join(root, "server", "main.ts"), ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: { NODE_ENV: "production", ...process.env, HOST: process.env.HOST ?? "0.0.0.0" }
})
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal))
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
