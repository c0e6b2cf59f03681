import type { SystemClients } from "./client-api"

/** The names of the benchmarked systems, Concord first. */
export const systemNames = ["concord", "sharedb", "rebase", "yjs"] as const

/** One benchmarked system. */
export type SystemName = (typeof systemNames)[number]

/** Load one system's clients (in a worker process): bench/peers/<system>-client.ts. */
export async function loadClients(system: SystemName): Promise<SystemClients> {
  const loaded: { clients: SystemClients } =
    system == "concord" ? await import("./concord-client")
    : system == "sharedb" ? await import("./sharedb-client")
    : system == "rebase" ? await import("./rebase-client")
    : await import("./yjs-client")
  return loaded.clients
}
