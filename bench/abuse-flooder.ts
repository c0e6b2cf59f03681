// The flooder process of bench:abuse, apart so that its client-side work does not delay the typists'
// measurement: says "ready" once loaded, then floods as the FloodOrder it receives says and answers
// with its FloodReport over IPC.
import { flood, type FloodOrder } from "./abuse-flood"

process.send!("ready")
process.once("message", (order: FloodOrder) => {
  flood(order).then(
    report => process.send!(report, () => process.exit(0)),
    error => {
      process.stderr.write(`flooder failed: ${String(error)}\n`)
      process.exit(1)
    }
  )
})
