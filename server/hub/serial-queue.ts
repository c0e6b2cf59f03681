import { setImmediate as nextTurn } from "node:timers/promises"

/**
 * Runs async tasks one at a time in the order they were queued: submits to one document are
 * serialized through one of these, while different documents proceed independently. A task queued
 * behind another starts on a later turn of the event loop, so that a document with many submits
 * waiting lets every other socket and document be served between them.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve()
  private size = 0

  /** Tasks queued or running. */
  get length(): number {
    return this.size
  }

  /** Queue `task`; the promise settles with its result once it ran. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    const waiting = this.size++ > 0
    const result = (waiting ? this.tail.then(() => nextTurn()) : this.tail).then(task)
    this.tail = result.then(() => this.size--, () => this.size--)
    return result
  }
}
