import { useEffect } from "react"
import type { PageConnection } from "./use-doc-connection"

/** Ask before the page unloads while some local edit is neither acknowledged by the hub nor stored on this device. */
export function useLeaveWarning(connection: PageConnection | null): void {
  useEffect(() => {
    if (!connection) return
    const warn = (event: BeforeUnloadEvent) => {
      if (connection.unconfirmedCount == 0 || connection.keptOnDevice) return
      event.preventDefault()
      event.returnValue = ""
    }
    window.addEventListener("beforeunload", warn)
    return () => window.removeEventListener("beforeunload", warn)
  }, [connection])
}
