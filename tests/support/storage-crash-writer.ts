/**
 * Child process for the durability test: creates the documents in the SQLite file given as the first
 * argument, then commits forever, printing "committed <version>" once every document has that version
 * committed. With a second argument N (default 1) it commits to N documents "crash-0".."crash-N-1" at
 * once, one op each per round, so that a round of N >= the writer's group size goes to its writer
 * thread. The test kills it with SIGKILL and checks that every printed version survived in every document.
 */
import { openSqliteStorage } from "../../server/storage"
import { crashOp } from "./storage-crash-op"
import { newLinks } from "../../server/link-tokens"

const storage = openSqliteStorage({ file: process.argv[2] })
const documents = Array.from({ length: Number(process.argv[3] ?? 1) }, (_, i) => (process.argv[3] ? `crash-${i}` : "crash"))
for (const id of documents) await storage.createDocument(id, "ot", { type: "doc", content: [] }, Date.now(), newLinks().hashes)
for (let version = 1; ; version++) {
  await Promise.all(documents.map(id => storage.commit(id, [crashOp(version)])))
  process.stdout.write(`committed ${version}\n`)
}
