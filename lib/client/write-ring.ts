/** Bytes of the ring's two counters (where the writer writes next, where the reader reads next) before its data. */
const controlBytes = 8
/** A length of -1 at the reader's place: the writer went on at the start of the data. */
const wrapMarker = -1

/**
 * A single-writer, single-reader queue of byte messages in a SharedArrayBuffer: the page appends, the
 * storage worker drains it on its own timer. Appending copies bytes and stores one counter, and wakes
 * nobody: no thread switch lands on the page's thread, as a postMessage to a worker can. Each message
 * is a 4-byte length and its bytes, 4-byte aligned, never split: one that does not fit before the end
 * goes on at the start, after a wrap marker. The writer keeps the two counters apart (equal means
 * empty), and refuses a message that does not fit; the caller then sends it another way.
 */
export class WriteRing {
  private readonly control: Int32Array
  private readonly data: DataView
  private readonly bytes: Uint8Array
  private readonly capacity: number

  constructor(readonly buffer: SharedArrayBuffer) {
    this.control = new Int32Array(buffer, 0, 2)
    this.capacity = buffer.byteLength - controlBytes
    this.data = new DataView(buffer, controlBytes)
    this.bytes = new Uint8Array(buffer, controlBytes)
  }

  /** A ring of `capacity` bytes of data (a multiple of 4). */
  static create(capacity: number): WriteRing {
    return new WriteRing(new SharedArrayBuffer(controlBytes + capacity))
  }

  /** Append `message`; false when it does not fit now (the reader has not caught up), and nothing is written. */
  write(message: Uint8Array): boolean {
    const need = align(4 + message.length)
    let head = Atomics.load(this.control, 0)
    const tail = Atomics.load(this.control, 1)
    if (head >= tail) {
      // Free: from head to the end, and from the start to tail. Head may reach the end only if tail is not at the start.
      const atEnd = this.capacity - head
      if (need > atEnd || (need == atEnd && tail == 0)) {
        if (need >= tail) return false
        if (atEnd >= 4) this.data.setInt32(head, wrapMarker)
        head = 0
      }
    } else if (need >= tail - head) return false
    this.data.setInt32(head, message.length)
    this.bytes.set(message, head + 4)
    const next = head + need
    Atomics.store(this.control, 0, next == this.capacity ? 0 : next)
    return true
  }

  /** Take every message appended so far, in order, as copies. */
  read(): Uint8Array[] {
    const messages: Uint8Array[] = []
    const head = Atomics.load(this.control, 0)
    let tail = Atomics.load(this.control, 1)
    while (tail != head) {
      if (this.capacity - tail < 4 || this.data.getInt32(tail) == wrapMarker) {
        tail = 0
        continue
      }
      const length = this.data.getInt32(tail)
      messages.push(this.bytes.slice(tail + 4, tail + 4 + length))
      tail += align(4 + length)
      if (tail == this.capacity) tail = 0
    }
    Atomics.store(this.control, 1, tail)
    return messages
  }
}

function align(bytes: number): number {
  return (bytes + 3) & ~3
}
