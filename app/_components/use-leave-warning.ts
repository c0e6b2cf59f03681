import { useEffect } from "react"
import type { PageConnection } from "./use-doc-connection"

/**
 * Ask before the page unloads while some local edit is neither acknowledged by the hub nor stored on this
 * device. The write of what is not stored starts at once, so that it is done by the time the person
 * answers (and a page that stays has it stored all the same).
 */
export function useLeaveWarning(connection: PageConnection | null): void {
  useEffect(() => {
    if (!connection) return
    const warn = (event: BeforeUnloadEvent) => {
      if (connection.unconfirmedCount == 0 || connection.keptOnDevice) return
      void connection.flushToDevice()
      event.preventDefault()
      event.returnValue = ""
    }
    window.addEventListener("beforeunload", warn)
    return () => window.removeEventListener("beforeunload", warn)
  }, [connection])
}
