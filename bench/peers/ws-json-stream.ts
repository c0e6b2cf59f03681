import { Duplex } from "node:stream"
import type { WebSocket } from "ws"

/**
 * A WebSocket as a duplex stream of JSON values, which is what ShareDB's `backend.listen` takes
 * (the same contract as @teamwork/websocket-json-stream): each message is one value, in both directions.
 */
export class WebSocketJSONStream extends Duplex {
  constructor(private readonly ws: WebSocket) {
    super({ objectMode: true, allowHalfOpen: false, emitClose: false })
    ws.on("message", data => {
      let value: unknown
      try {
        value = JSON.parse(data.toString())
      } catch (error) {
        this.destroy(error as Error)
        return
      }
      this.push(value)
    })
    ws.on("close", () => this.destroy())
    ws.on("error", error => this.destroy(error))
  }

  override _read(): void {}

  override _write(value: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // A message to a client that has gone is dropped, as a closed socket would drop it.
    if (this.ws.readyState != this.ws.OPEN) return callback()
    this.ws.send(JSON.stringify(value), () => callback())
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.ws.close(1000)
    callback()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.ws.readyState == this.ws.OPEN || this.ws.readyState == this.ws.CONNECTING) this.ws.close(1000)
    callback(error)
  }
}
