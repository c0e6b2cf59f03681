export { checkAppend, type DocumentRecord, type LinkHashes, type SnapshotText, type Storage } from "./storage"
export { MemoryStorage } from "./memory-storage"
export { SqliteStorage, openSqliteStorage, migrations, type Migration, type MigrationContext, type SqliteStorageOptions } from "./sqlite-storage"
export { PostgresStorage, openPostgresStorage, postgresMigrations, type PostgresMigration, type PostgresStorageOptions } from "./postgres-storage"
