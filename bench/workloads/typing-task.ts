// Worker side of W1, W2 and W6: several TypingClients of one system in this process, each typing
// one character at a time at random positions, paced or as fast as acknowledgements come, or only
// receiving.
import { loadClients, type SystemName } from "../peers/load-clients"
import type { TypingClient } from "../peers/client-api"
import { now, type Task } from "../harness/worker-protocol"

/** One client of a typing worker: its name, the server it connects to and the document it types into. */
export interface TypingSeat {
  name: string
  url: string
  docId: string
  /** Create the document: this client joins before every other client of the run (one per document). */
  create: boolean
  /** Type; a client that does not only receives. */
  types: boolean
}

/** What a typing worker runs. */
export interface TypingParams {
  system: SystemName
  /** One client per seat; the first is this worker's observer. */
  seats: TypingSeat[]
  /** "paced": `rate` characters a second per client (intervals jittered by ±50%); "saturate": the next as soon as the last is acknowledged. */
  mode: "paced" | "saturate"
  rate: number
  seconds: number
  /** How long to wait after the end for acknowledgements still outstanding. */
  graceMs: number
}

/** How long after the end an observer still takes arrivals, in ms: far longer than any delivery takes. */
const drainMs = 1_000

/** What a typing worker reports. Times are wall-clock ms (worker-protocol's `now`). */
export interface TypingResult {
  /** [op key, submit time] of every op submitted. */
  submits: [string, number][]
  /** [op key, arrival time] of every op that reached this worker's observer (its first client). */
  arrivals: [string, number][]
  /** The document the observer is in. */
  observedDoc: string
  /** Keys the observer itself submitted: their arrival there is an acknowledgement, not a delivery. */
  observerKeys: string[]
  /** [submit time, acknowledgement time, op key, document] of every acknowledged op. */
  acks: [number, number, string, string][]
  /** Submit times of the ops still unacknowledged after the grace period. */
  unfinished: number[]
  /** Submits the system refused (the client stops typing at its first), and the first refusal's message. */
  refused: number
  firstRefusal: string | null
  /** When this worker's clients that do not create began to join, and when the last of them held the document. */
  joining: { from: number; to: number }
  /** CPU seconds this worker used while typing. */
  cpu: number
  /** The most ops any of this worker's clients saw committed. */
  committed: number
  endedAt: number
}

function waitUntil(time: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, Math.max(0, time - now())))
}

async function typeUntil(client: TypingClient, seat: TypingSeat, params: TypingParams, begin: number, end: number, out: TypingResult, keys: string[] | null): Promise<void> {
  // Paced typists start out of step, each at a random point of its first interval, as people who
  // did not agree on a moment would; all starting on the same millisecond would make the run's
  // first keystrokes one burst of concurrent ops (50 transformed one after another at 50 clients).
  await waitUntil(params.mode == "paced" ? begin + Math.random() * (1000 / params.rate) : begin)
  while (now() < end) {
    const sent = now()
    let key = ""
    const typed = client.typeOne(k => {
      key = k
      out.submits.push([k, sent])
      keys?.push(k)
    })
    out.unfinished.push(sent)
    try {
      await typed
    } catch (error) {
      // A refused op is counted and ends this client's typing, so a system that refuses every op
      // shows as refusals rather than as a loop of instant failures.
      out.unfinished.splice(out.unfinished.indexOf(sent), 1)
      out.refused++
      out.firstRefusal ??= error instanceof Error ? error.message : String(error)
      return
    }
    out.unfinished.splice(out.unfinished.indexOf(sent), 1)
    out.acks.push([sent, now(), key, seat.docId])
    if (!key) throw new Error("typeOne gave no key")
    if (params.mode == "paced") {
      await waitUntil(sent + (1000 / params.rate) * (0.5 + Math.random()))
    }
  }
}

/**
 * Join the creating seats and report ready; on go, join the others and report ready; on the next
 * go, type as the parameters say between its begin and end times, then report.
 */
export const typingTask: Task<TypingParams> = async (params, channel) => {
  const { typingClient } = await loadClients(params.system)
  // A client connects as it joins, as a tab opening the document would: the join time includes the handshake.
  const clients: TypingClient[] = []
  const joining = (create: boolean) => Promise.all(params.seats.map(async (seat, i) => {
    if (seat.create != create) return
    clients[i] = typingClient(seat.url, seat.docId, seat.name)
    await clients[i].join(create)
  }))
  await joining(true)
  await channel.ready()
  await channel.go()
  const joinFrom = now()
  await joining(false)
  const out: TypingResult = {
    submits: [], arrivals: [], observedDoc: params.seats[0].docId, observerKeys: [], acks: [], unfinished: [], refused: 0, firstRefusal: null,
    joining: { from: joinFrom, to: now() }, cpu: 0, committed: 0, endedAt: 0
  }
  clients[0].onArrive = keys => {
    const t = now()
    for (const key of keys) out.arrivals.push([key, t])
  }
  await channel.ready()
  const { begin, end } = (await channel.go()) as { begin: number; end: number }
  const cpu0 = process.cpuUsage()
  const typing = Promise.all(clients.map((c, i) => params.seats[i].types && typeUntil(c, params.seats[i], params, begin, end, out, i == 0 ? out.observerKeys : null)))
  await Promise.race([typing, new Promise(resolve => setTimeout(resolve, Math.max(0, end - now()) + params.graceMs))])
  const cpu = process.cpuUsage(cpu0)
  out.cpu = (cpu.user + cpu.system) / 1e6
  out.committed = Math.max(...clients.map(c => c.committed))
  out.endedAt = now()
  // The observer keeps listening a while longer (not counted in the times above): ops other workers'
  // clients had acknowledged by the end may still be on their way to it, and would otherwise count as missing.
  await new Promise(resolve => setTimeout(resolve, Math.max(0, end + drainMs - now())))
  await channel.result(out)
  for (const c of clients) c.close()
}
