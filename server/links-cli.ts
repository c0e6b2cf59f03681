// `npm run links -- <docId> [--data-dir DIR]`: reissue a document's owner, edit and view links on the
// store (the PostgreSQL database of CONCORD_DATABASE_URL when set, else SQLite in DIR, else
// CONCORD_DATA_DIR, else ./data), for an operator whose users lost them, and print the three link
// paths. The old links stop working for every join from then on, also on servers running on the same
// store (they look links up on every join).
import { existsSync } from "node:fs"
import { join, resolve } from "node:path"
import { parseArgs } from "node:util"
import type { Role } from "../lib/protocol"
import { hashToken, newToken } from "./link-tokens"
import { openPostgresStorage, openSqliteStorage, type Storage } from "./storage"
import { createLogger } from "./log"

const usage = "usage: npm run links -- <docId> [--data-dir DIR]"

const { values, positionals } = parseArgs({ options: { "data-dir": { type: "string" } }, allowPositionals: true, strict: false })
if (positionals.length != 1) {
  process.stderr.write(`${usage}\n`)
  process.exit(2)
}
const docId = positionals[0]
const databaseUrl = process.env.CONCORD_DATABASE_URL || undefined
const dataDir = resolve(String(values["data-dir"] ?? process.env.CONCORD_DATA_DIR ?? "data"))
const file = join(dataDir, "concord.db")
if (!databaseUrl && !existsSync(file)) {
  process.stderr.write(`No Concord database at ${file}\n`)
  process.exit(1)
}

const storage: Storage = databaseUrl ? await openPostgresStorage({ connectionString: databaseUrl, log: createLogger() }) : openSqliteStorage({ file })
const where = databaseUrl ? "the PostgreSQL database" : file
try {
  if (!(await storage.getDocument(docId))) {
    process.stderr.write(`No document ${docId} in ${where}\n`)
    process.exitCode = 1
  } else {
    const lines: string[] = []
    for (const role of ["owner", "edit", "view"] as const satisfies Role[]) {
      const token = newToken()
      await storage.replaceLinks(docId, role, hashToken(token), Date.now())
      lines.push(`${role.padEnd(5)} /d/${docId}#${token}`)
    }
    process.stdout.write(`New links of ${docId} (its earlier links no longer open it):\n${lines.join("\n")}\n`)
  }
} finally {
  await storage.close()
}
