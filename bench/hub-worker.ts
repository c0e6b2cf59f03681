// One benchmark worker process (used by bench/history.ts): hosts several LightClients on one document and reports timings to its parent.
import { LightClient } from "./light-client"

interface Start { url: string; docId: string; ids: string[]; mode: "paced" | "saturate"; rate: number; seconds: number }

const now = () => performance.timeOrigin + performance.now()

process.once("message", async (message: Start) => {
  const clients = message.ids.map(id => new LightClient(message.url, message.docId, id))
  await Promise.all(clients.map(c => c.join()))
  const submits: [string, number, number][] = []
  const arrivals: [string, number, number][] = []
  const waits: number[] = []
  // One observer per process records arrival times; every client still receives every op.
  clients[0].onOps = ops => { const t = now(); for (const op of ops) arrivals.push([op.clientId, op.seq, t]) }
  process.send!({ ready: true })
  await new Promise(resolve => process.once("message", resolve))
  const cpu0 = process.cpuUsage()
  const end = Date.now() + message.seconds * 1000
  await Promise.all(clients.map(async c => {
    while (Date.now() < end) {
      const sent = now()
      submits.push([c.clientId, c.seq + 1, sent])
      await c.typeOne()
      waits.push(now() - sent)
      if (message.mode == "paced") await new Promise(resolve => setTimeout(resolve, Math.max(0, (1000 / message.rate) * (0.5 + Math.random()) - (now() - sent))))
    }
  }))
  const cpu = process.cpuUsage(cpu0)
  process.send!({ observer: clients[0].clientId, submits, arrivals, waits, cpu: (cpu.user + cpu.system) / 1e6, versions: clients.map(c => c.version) })
  clients.forEach(c => c.close())
  process.exit(0)
})
