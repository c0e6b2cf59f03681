// Worker side of W4: connections that stay idle after their handshake, and documents each with
// a few clients that type a little and then stay connected, until the orchestrator has measured.
import { loadClients, type SystemName } from "../peers/load-clients"
import type { Closable, TypingClient } from "../peers/client-api"
import type { Task } from "../harness/worker-protocol"

/** Run `work` over `items` with at most `limit` at a time. */
async function bounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++])
  }))
}

/** What an idle-connections worker runs. */
export interface IdleParams {
  system: SystemName
  url: string
  count: number
  concurrency: number
}

/** Ready once loaded; on go, open `count` idle connections and report ready; on the next go, close them. */
export const idleTask: Task<IdleParams> = async (params, channel) => {
  const { idleConnection } = await loadClients(params.system)
  await channel.ready()
  await channel.go()
  const open: Closable[] = []
  await bounded(Array.from({ length: params.count }, (_, i) => i), params.concurrency, async () => {
    open.push(await idleConnection(params.url))
  })
  await channel.ready({ opened: open.length })
  await channel.go()
  for (const c of open) c.close()
  await channel.result({ closed: open.length })
}

/** What a documents worker runs. */
export interface DocumentsParams {
  system: SystemName
  url: string
  /** A document opened before measuring, so that the server has run every code path once. */
  warmDocId: string
  docIds: string[]
  clientsPerDoc: number
  /** Characters each client types (one op each, waiting for its acknowledgement). */
  charsPerClient: number
  concurrency: number
}

async function openDocument(params: DocumentsParams, docId: string, into: TypingClient[]): Promise<void> {
  const { typingClient } = await loadClients(params.system)
  const clients = Array.from({ length: params.clientsPerDoc }, (_, i) => typingClient(params.url, docId, `${docId}-c${i}`))
  into.push(...clients)
  await clients[0].join(true)
  await Promise.all(clients.slice(1).map(c => c.join(false)))
  await Promise.all(clients.map(async c => {
    for (let i = 0; i < params.charsPerClient; i++) await c.typeOne(() => {})
  }))
}

/** Ready once loaded; go: warm up, ready; go: open the documents, ready; go: close everything. */
export const documentsTask: Task<DocumentsParams> = async (params, channel) => {
  await loadClients(params.system)
  const clients: TypingClient[] = []
  await channel.ready()
  await channel.go()
  await openDocument(params, params.warmDocId, clients)
  await channel.ready()
  await channel.go()
  await bounded(params.docIds, params.concurrency, docId => openDocument(params, docId, clients))
  await channel.ready({ documents: params.docIds.length, clients: clients.length })
  await channel.go()
  for (const c of clients) c.close()
  await channel.result({ closed: clients.length })
}
