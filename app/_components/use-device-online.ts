import { useSyncExternalStore } from "react"

function subscribe(onChange: () => void): () => void {
  window.addEventListener("online", onChange)
  window.addEventListener("offline", onChange)
  return () => {
    window.removeEventListener("online", onChange)
    window.removeEventListener("offline", onChange)
  }
}

/**
 * False while the browser says the device has no network (navigator.onLine); true on the server. A
 * browser on a network without the internet says true: then only the connection itself tells.
 */
export function useDeviceOnline(): boolean {
  return useSyncExternalStore(subscribe, () => navigator.onLine, () => true)
}
