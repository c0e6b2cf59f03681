import { setImmediate as nextTurn } from "node:timers/promises"

/** How long one queue may run its tasks back to back before it lets the event loop turn, in ms. */
const sliceMs = 20

/**
 * Runs async tasks one at a time in the order they were queued: submits to one document are
 * serialized through one of these, while different documents proceed independently. Tasks queued
 * behind one another run back to back (so that the store commits a burst of cheap submits as one
 * group), until they have run for `sliceMs`: the next then starts on a later turn of the event loop,
 * so that a document with expensive submits waiting lets every other socket and document be served.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve()
  private size = 0
  /** When the current run of back-to-back tasks began. */
  private runStart = 0

  /** Tasks queued or running. */
  get length(): number {
    return this.size
  }

  /** Queue `task`; the promise settles with its result once it ran. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    const waiting = this.size++ > 0
    const result = this.tail.then(() => this.start(waiting)).then(task)
    this.tail = result.then(() => this.size--, () => this.size--)
    return result
  }

  private start(waiting: boolean): Promise<void> | void {
    const now = performance.now()
    if (!waiting) this.runStart = now
    else if (now - this.runStart > sliceMs) return nextTurn().then(() => void (this.runStart = performance.now()))
  }
}
