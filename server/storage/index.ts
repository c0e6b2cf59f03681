export { checkAppend, type DocumentRecord, type SnapshotText, type Storage } from "./storage"
export { MemoryStorage } from "./memory-storage"
export { SqliteStorage, openSqliteStorage, migrations, type Migration, type SqliteStorageOptions } from "./sqlite-storage"
