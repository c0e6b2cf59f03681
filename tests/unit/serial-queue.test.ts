import { describe, expect, it } from "vitest"
import { SerialQueue } from "../../server/hub/serial-queue"

describe("SerialQueue", () => {
  it("runs tasks one at a time in order, each queued one on a later turn of the event loop", async () => {
    const queue = new SerialQueue()
    const order: string[] = []
    const first = queue.run(() => {
      order.push("first")
      // Work of another document or socket, due on the next turn.
      setImmediate(() => order.push("elsewhere"))
    })
    const second = queue.run(async () => {
      order.push("second")
      return 2
    })
    const third = queue.run(() => {
      throw new Error("refused")
    })
    const fourth = queue.run(() => order.push("fourth"))
    await first
    expect(await second).toBe(2)
    await expect(third).rejects.toThrow("refused")
    await fourth
    expect(order).toEqual(["first", "elsewhere", "second", "fourth"])
    expect(queue.length).toBe(0)
  })
})
