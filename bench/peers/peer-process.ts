import type { Server } from "node:http"
import type { AddressInfo } from "node:net"

/**
 * Run a peer's HTTP server as a benchmark child process: listen on 127.0.0.1 on a free port, send
 * the orchestrator `{ url }` over IPC, and exit on SIGTERM or when the orchestrator goes away.
 */
export function serveAsChild(server: Server, scheme: "ws" | "http" = "ws"): void {
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo
    process.send!({ url: `${scheme}://127.0.0.1:${port}` })
  })
  process.on("disconnect", () => process.exit(0))
  process.on("SIGTERM", () => process.exit(0))
}
