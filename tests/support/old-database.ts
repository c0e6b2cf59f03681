import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import Database from "better-sqlite3"
import { migrations } from "../../server/storage"
import { createLogger } from "../../server/log"

/**
 * An SQLite database at `file` as a release before migration `version` left it: every earlier
 * migration applied and recorded, nothing after. The caller fills it and closes it.
 */
export function databaseBefore(file: string, version: number): Database.Database {
  mkdirSync(dirname(file), { recursive: true })
  const old = new Database(file)
  old.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)")
  for (const migration of migrations.filter(m => m.version < version)) {
    migration.up(old, { dir: dirname(file), log: createLogger("silent") })
    old.prepare("INSERT INTO schema_migrations VALUES (?, ?)").run(migration.version, 1)
  }
  return old
}
