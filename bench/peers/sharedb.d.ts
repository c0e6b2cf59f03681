// The parts of ShareDB 7's API the benchmark uses (the package ships no type declarations).

declare module "sharedb" {
  /** ShareDB's backend: an in-memory database and pub/sub unless others are given. */
  class Backend {
    constructor(options?: Record<string, unknown>)
    /** Serve one client over a duplex object stream of JSON messages. */
    listen(stream: import("node:stream").Duplex, request?: unknown): unknown
    close(callback?: (error?: Error) => void): void
    /** Add a middleware function for one of the backend's actions ("apply", "readSnapshots", ...). */
    use(action: string, middleware: (request: any, next: (error?: Error) => void) => void): this
    static types: { register(type: unknown): void }
  }
  export default Backend
}

declare module "sharedb/lib/client" {
  /** A ShareDB error as the client reports it. */
  export interface ShareDBError extends Error {
    code: string
  }

  /** A message of ShareDB's wire protocol. */
  export interface Message {
    a: string
    c?: string
    d?: string
    v?: number
    src?: string
    seq?: number
    op?: unknown
    [key: string]: unknown
  }

  type Callback = (error?: ShareDBError | null) => void

  /** A document on the client: `data` is the snapshot, `version` the server version it is at. */
  export class Doc {
    readonly id: string
    readonly version: number | null
    readonly type: { name: string; uri: string } | null
    readonly data: string
    subscribe(callback?: Callback): void
    fetch(callback?: Callback): void
    create(data: unknown, type?: string, callback?: Callback): void
    submitOp(op: unknown, callback?: Callback): void
    hasWritePending(): boolean
    whenNothingPending(callback: () => void): void
    on(event: "op" | "load" | "nothing pending" | "error", listener: (...args: any[]) => void): this
    destroy(callback?: Callback): void
  }

  /** A client connection over a WebSocket-like socket. */
  export class Connection {
    constructor(socket: unknown)
    readonly id: string | null
    readonly state: string
    readonly seq: number
    get(collection: string, id: string): Doc
    bindToSocket(socket: unknown): void
    close(): void
    on(event: "send" | "receive" | "state" | "error", listener: (...args: any[]) => void): this
  }

  export const types: { register(type: unknown): void }
}

declare module "sharedb-postgres" {
  /** ShareDB's database on PostgreSQL: pg.Pool options; the tables of its structure.sql must exist. */
  class PostgresDB {
    constructor(options: { connectionString: string; [option: string]: unknown })
  }
  export default PostgresDB
}

declare module "sharedb-redis-pubsub" {
  /** ShareDB's pub/sub over Redis: options of the `redis` client's createClient. */
  class RedisPubSub {
    constructor(options: { url: string; [option: string]: unknown })
  }
  export default RedisPubSub
}
