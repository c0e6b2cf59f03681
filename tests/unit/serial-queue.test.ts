import { describe, expect, it } from "vitest"
import { SerialQueue } from "../../server/hub/serial-queue"

/** Keep the thread busy for `ms`, as an expensive transform does. */
function busy(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end);
}

describe("SerialQueue", () => {
  it("runs tasks one at a time in order, cheap ones back to back in one turn of the event loop", async () => {
    const queue = new SerialQueue()
    const order: string[] = []
    const first = queue.run(() => {
      order.push("first")
      setImmediate(() => order.push("elsewhere"))
    })
    const second = queue.run(async () => {
      order.push("second")
      return 2
    })
    const third = queue.run(() => {
      throw new Error("refused")
    })
    await first
    expect(await second).toBe(2)
    await expect(third).rejects.toThrow("refused")
    await queue.run(() => order.push("fourth"))
    expect(order.slice(0, 2)).toEqual(["first", "second"])
    expect(queue.length).toBe(0)
  })

  it("lets the event loop turn between expensive tasks", async () => {
    const queue = new SerialQueue()
    const order: string[] = []
    const tasks = [1, 2, 3].map(i => queue.run(() => {
      order.push(`task ${i}`)
      setImmediate(() => order.push(`elsewhere after ${i}`))
      busy(20)
    }))
    await Promise.all(tasks)
    expect(order.slice(0, 4)).toEqual(["task 1", "elsewhere after 1", "task 2", "elsewhere after 2"])
  })
})
