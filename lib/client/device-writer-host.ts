import { ConcordError } from "../protocol/errors"
import { LocalStore, type LeaderWrite } from "./local-store"
import { WriteRing } from "./write-ring"
import type { FromWorker, RingMessage, ToWorker } from "./worker-writer"

/** How often the worker drains the page's WriteRing while the page writes, in ms. */
const drainEveryMs = 8
/** How often once the page has written nothing for idleAfterMs: an idle tab wakes its worker 20 times a second, not 125. */
const idleDrainMs = 50
const idleAfterMs = 2_000

/** The side of a worker (or of a MessagePort) that WorkerWriter talks to. */
export interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null
  postMessage(message: FromWorker): void
}

/**
 * Answer WorkerWriter's messages on `scope`: open the LocalStore it names, take writes from its ring
 * (drained every few ms) and from its messages, and store them in the order of their ids. Returns a
 * function that stops the draining.
 */
export function serveDeviceWrites(scope: WorkerScope): () => void {
  let store: Promise<LocalStore> | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  const arrived = new Map<number, LeaderWrite>()
  let expected = 1
  const decoder = new TextDecoder()
  const take = (id: number, write: LeaderWrite) => {
    arrived.set(id, write)
    for (let next = arrived.get(expected); next; next = arrived.get(expected)) {
      const taken = expected++
      arrived.delete(taken)
      const opened = store ?? Promise.reject(new ConcordError("ERR_LOCAL_STORAGE", "The storage worker was never told which store to open"))
      opened.then(s => s.write(next!)).then(
        () => scope.postMessage({ id: taken }),
        error => scope.postMessage({ id: taken, error: ConcordError.from(error, "ERR_LOCAL_STORAGE").toJSON() })
      )
    }
  }
  scope.onmessage = ({ data }) => {
    if (data.kind == "open") {
      store = LocalStore.open({ name: data.name })
      if (data.ring) {
        const ring = new WriteRing(data.ring)
        let wroteAt = performance.now()
        const drain = () => {
          const messages = ring.read()
          for (const bytes of messages) {
            const message = JSON.parse(decoder.decode(bytes)) as RingMessage
            take(message.id, message.write)
          }
          const now = performance.now()
          if (messages.length) wroteAt = now
          timer = setTimeout(drain, now - wroteAt > idleAfterMs ? idleDrainMs : drainEveryMs)
        }
        drain()
      }
    } else take(data.id, data.write)
  }
  return () => {
    if (timer) clearTimeout(timer)
    timer = null
  }
}
