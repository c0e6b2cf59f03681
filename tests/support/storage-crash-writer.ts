/**
 * Child process for the durability test: creates document "crash" in the SQLite file given as the first
 * argument, then commits one op after another forever, printing "committed <version>" once each commit
 * has resolved. The test kills it with SIGKILL and checks that every printed version survived.
 */
import { openSqliteStorage } from "../../server/storage"
import { crashOp } from "./storage-crash-op"

const storage = openSqliteStorage({ file: process.argv[2] })
await storage.createDocument("crash", "ot", { type: "doc", content: [] }, Date.now())
for (let version = 1; ; version++) {
  await storage.commit("crash", [crashOp(version)])
  process.stdout.write(`committed ${version}\n`)
}
