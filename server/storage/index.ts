export { checkAppend, type DocumentRecord, type Storage } from "./storage"
export { MemoryStorage } from "./memory-storage"
export { SqliteStorage, openSqliteStorage, migrations, type Migration, type SqliteStorageOptions } from "./sqlite-storage"
