import pg from "pg"
import { ConcordError } from "../../lib/protocol"
import type { DocumentLeases, LeaseHolder } from "./document-leases"

/** Settings of a PostgresLeases. */
export interface PostgresLeasesOptions {
  /** The database the hubs' PostgresStorage uses (its migrations made the lease table). */
  connectionString: string
  /** This hub's id (its bus id). */
  hubId: string
  /** Where the other hubs reach this one. */
  address: string
  /** How long a lease lasts unless renewed, in ms. */
  ttlMs: number
}

/**
 * Document leases in PostgreSQL's document_leases table, timed by the database's clock so that the hubs'
 * clocks never have to agree. A claim is one upsert that takes the row only when it is this hub's, has
 * expired, or belongs to the hub being taken over from.
 */
export class PostgresLeases implements DocumentLeases {
  private constructor(private readonly pool: pg.Pool, private readonly options: PostgresLeasesOptions) {}

  /** Connect (one or two connections of its own). */
  static async open(options: PostgresLeasesOptions): Promise<PostgresLeases> {
    const pool = new pg.Pool({ connectionString: options.connectionString, max: 2 })
    pool.on("error", () => {})
    return new PostgresLeases(pool, options)
  }

  async claim(docId: string, takeOverFrom?: string): Promise<LeaseHolder> {
    const { hubId, address, ttlMs } = this.options
    return this.query(async () => {
      const taken = await this.pool.query<LeaseHolder>(
        `INSERT INTO document_leases (doc_id, hub, address, expires_at) VALUES ($1, $2, $3, clock_timestamp() + $4 * interval '1 millisecond')
         ON CONFLICT (doc_id) DO UPDATE SET hub = excluded.hub, address = excluded.address, expires_at = excluded.expires_at
         WHERE document_leases.hub = excluded.hub OR document_leases.expires_at < clock_timestamp() OR document_leases.hub = $5
         RETURNING hub, address`,
        [docId, hubId, address, ttlMs, takeOverFrom ?? null]
      )
      if (taken.rows[0]) return taken.rows[0]
      const held = await this.pool.query<LeaseHolder>("SELECT hub, address FROM document_leases WHERE doc_id = $1", [docId])
      // Released between the two statements: claim again.
      return held.rows[0] ?? this.claim(docId, takeOverFrom)
    })
  }

  async renew(held: readonly string[], released: readonly string[]): Promise<string[]> {
    const { hubId, ttlMs } = this.options
    return this.query(async () => {
      if (released.length) await this.pool.query("DELETE FROM document_leases WHERE hub = $1 AND doc_id = ANY($2)", [hubId, released])
      if (!held.length) return []
      const { rows } = await this.pool.query<{ doc_id: string }>(
        "UPDATE document_leases SET expires_at = clock_timestamp() + $2 * interval '1 millisecond' WHERE hub = $1 AND doc_id = ANY($3) RETURNING doc_id",
        [hubId, ttlMs, held]
      )
      return rows.map(row => row.doc_id)
    })
  }

  async releaseAll(): Promise<void> {
    await this.query(() => this.pool.query("DELETE FROM document_leases WHERE hub = $1", [this.options.hubId]))
  }

  /** Close its connections. */
  close(): Promise<void> {
    return this.pool.end()
  }

  private async query<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (error) {
      throw ConcordError.from(error, "ERR_STORAGE")
    }
  }
}

/** The secret the hubs sharing a database show one another (made by PostgresStorage's migrations). */
export async function readClusterSecret(connectionString: string): Promise<string> {
  const client = new pg.Client({ connectionString })
  await client.connect()
  try {
    const { rows } = await client.query<{ secret: string }>("SELECT secret FROM cluster_secret LIMIT 1")
    if (!rows[0]) throw new ConcordError("ERR_STORAGE", "The database has no cluster secret: was it migrated?")
    return rows[0].secret
  } finally {
    await client.end()
  }
}
