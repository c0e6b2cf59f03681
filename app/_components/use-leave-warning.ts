import { useEffect } from "react"
import type { PageConnection } from "./use-doc-connection"

/** Ask before the page unloads while the hub has not acknowledged every local edit. */
export function useLeaveWarning(connection: PageConnection | null): void {
  useEffect(() => {
    if (!connection) return
    const warn = (event: BeforeUnloadEvent) => {
      if (connection.unconfirmedCount == 0) return
      event.preventDefault()
      event.returnValue = ""
    }
    window.addEventListener("beforeunload", warn)
    return () => window.removeEventListener("beforeunload", warn)
  }, [connection])
}
