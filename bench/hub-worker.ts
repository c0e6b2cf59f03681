// One benchmark worker process: hosts several TestClients on one document and reports timings to its parent.
import { TestClient } from "../tests/support/test-client"

interface Start { url: string; docId: string; ids: string[]; mode: "paced" | "saturate"; rate: number; seconds: number }

const now = () => performance.timeOrigin + performance.now()

process.once("message", async (message: Start) => {
  const clients = await Promise.all(message.ids.map(id => TestClient.open(message.url, message.docId, id)))
  const submits: [string, number, number][] = []
  const arrivals: [string, number, number][] = []
  clients.forEach((c, i) => {
    c.onSubmit = seq => submits.push([c.clientId, seq, now()])
    // One observer per process is enough for arrival times; the others only keep up.
    if (i == 0) c.onOps = ops => { const t = now(); for (const op of ops) arrivals.push([op.clientId, op.seq, t]) }
  })
  process.send!({ ready: true })
  await new Promise(resolve => process.once("message", resolve))
  const end = Date.now() + message.seconds * 1000
  const typeAt = (c: TestClient) => {
    const size = c.sync!.state.doc.firstChild!.content.size
    c.type("x", 1 + Math.floor(Math.random() * (size + 1)))
  }
  await Promise.all(clients.map(async c => {
    while (Date.now() < end) {
      if (message.mode == "paced") {
        typeAt(c)
        await new Promise(resolve => setTimeout(resolve, (1000 / message.rate) * (0.5 + Math.random())))
      } else {
        typeAt(c)
        await c.waitFor(() => c.sync!.unconfirmedCount == 0, "ack", 30_000)
      }
    }
  }))
  await Promise.all(clients.map(c => c.waitFor(() => c.sync!.idle, "idle", 30_000)))
  process.send!({ observer: clients[0].clientId, submits, arrivals, versions: clients.map(c => c.sync!.version) })
  clients.forEach(c => c.close())
  process.exit(0)
})
