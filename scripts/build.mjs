// `npm run build`: the Next.js app, then the service worker that caches it for offline use (serwist.config.js).
import { spawnSync } from "node:child_process"
import { join, dirname } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const next = spawnSync(process.execPath, [join(root, "node_modules", "next", "dist", "bin", "next"), "build"], { cwd: root, stdio: "inherit" })
if (next.status != 0) process.exit(next.status ?? 1)
process.chdir(root)
// In-process rather than the `serwist build` command, which also asks the registry for newer versions of itself.
const { runBuildCommand } = await import("@serwist/cli")
const config = await (await import("../serwist.config.js")).default
await runBuildCommand({ config, watch: false })
