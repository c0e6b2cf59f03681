// Child process for the checkpoint-thread test: opens the SQLite storage on the file given, commits a few
// ops, closes it and prints "closed". Nothing else keeps the process alive, as when a server shuts down.
import { openSqliteStorage } from "../../server/storage"
import { crashOp } from "./storage-crash-op"
import { newLinks } from "../../server/link-tokens"

const storage = openSqliteStorage({ file: process.argv[2] })
await storage.createDocument("doc", "ot", { type: "doc", content: [{ type: "paragraph" }] }, 0, newLinks().hashes)
for (let version = 1; version <= 10; version++) await storage.commit("doc", [crashOp(version)])
await storage.close()
console.log("closed")
