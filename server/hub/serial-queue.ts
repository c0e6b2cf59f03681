/**
 * Runs async tasks one at a time in the order they were queued: submits to one document are
 * serialized through one of these, while different documents proceed independently.
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
    this.size++
    const result = this.tail.then(task)
    this.tail = result.then(() => this.size--, () => this.size--)
    return result
  }
}
