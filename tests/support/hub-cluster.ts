import pg from "pg"
import type { SubmitResult } from "../../lib/protocol"
import { startPostgresServer, type PostgresServer } from "./postgres-server"
import { removeDataDir, startServerProcess, type ServerProcess } from "./server-process"

/** Several hub processes on one PostgreSQL database, as `npm run cluster` runs them, for integration tests. */
export interface HubCluster {
  /** The PostgreSQL server the hubs share. */
  readonly postgres: PostgresServer
  /** The postgres:// URL of the hubs' one database. */
  readonly databaseUrl: string
  /** Each hub's address, by index; a restarted hub keeps its address. */
  readonly urls: readonly string[]
  /** The process of hub `i` (a new one after `restart(i)`). */
  hub(i: number): ServerProcess
  /** Kill hub `i` with SIGKILL, as a crash would, and wait until it is gone. */
  kill(i: number): Promise<void>
  /** Stop hub `i` if it still runs and start it again on its port and the same database. */
  restart(i: number): Promise<ServerProcess>
  /** Stop every hub, then PostgreSQL, and remove their folders. */
  stop(): Promise<void>
}

/**
 * Start a PostgreSQL server of the test's own with one fresh database, then `hubs` hub processes on it
 * (each on a free port, UI off, `env` added to their environment); resolves once every hub listens.
 */
export async function startHubCluster(hubs: number, env: Record<string, string> = {}): Promise<HubCluster> {
  const postgres = await startPostgresServer()
  const processes: ServerProcess[] = []
  const dataDirs: string[] = []
  try {
    const databaseUrl = await postgres.createDatabase()
    const hubEnv = { ...env, CONCORD_DATABASE_URL: databaseUrl }
    // One after another: each hub runs the migrations when it opens the database.
    for (let i = 0; i < hubs; i++) {
      processes.push(await startServerProcess({ env: hubEnv }))
      dataDirs.push(processes[i].dataDir)
    }
    const urls = processes.map(hub => hub.url)
    const hub = (i: number) => {
      if (!processes[i]) throw new RangeError(`No hub ${i} in a cluster of ${processes.length}`)
      return processes[i]
    }
    return {
      postgres,
      databaseUrl,
      urls,
      hub,
      async kill(i) {
        await hub(i).stop("SIGKILL")
      },
      async restart(i) {
        await hub(i).stop()
        return (processes[i] = await startServerProcess({ dataDir: dataDirs[i], env: { ...hubEnv, PORT: new URL(urls[i]).port } }))
      },
      async stop() {
        await Promise.all(processes.map(process => process.stop()))
        for (const dir of dataDirs) removeDataDir(dir)
        await postgres.stop()
      }
    }
  } catch (error) {
    await Promise.all(processes.map(process => process.stop()))
    for (const dir of dataDirs) removeDataDir(dir)
    await postgres.stop()
    throw error
  }
}

/**
 * Check the op log of `docId` in the cluster's database: its versions run 1..head without a gap, and each
 * client's acknowledged ops are in it once, at the versions acknowledged. Returns the head.
 */
export async function checkOpLog(cluster: HubCluster, docId: string, acks: ReadonlyMap<string, readonly SubmitResult[]>): Promise<number> {
  const client = new pg.Client({ connectionString: cluster.databaseUrl })
  await client.connect()
  let rows: { client_id: string; seq: string; version: string }[]
  try {
    rows = (await client.query<{ client_id: string; seq: string; version: string }>("SELECT client_id, seq, version FROM ops WHERE doc_id = $1 ORDER BY version", [docId])).rows
  } finally {
    await client.end()
  }
  rows.forEach((row, i) => {
    if (Number(row.version) != i + 1) throw new Error(`The op log of ${docId} has version ${row.version} at place ${i + 1}`)
  })
  for (const [clientId, acked] of acks) for (const ack of acked) {
    const matching = rows.filter(row => row.client_id == clientId && Number(row.seq) == ack.seq)
    if (matching.length != 1) throw new Error(`${clientId}'s acknowledged seq ${ack.seq} is in the op log ${matching.length} times`)
    if (Number(matching[0].version) != ack.version) throw new Error(`${clientId}'s seq ${ack.seq} was acknowledged at ${ack.version} but is at ${matching[0].version}`)
  }
  return rows.length
}
