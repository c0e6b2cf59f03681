import { useSyncExternalStore } from "react"

/** The width at and below which the page lays itself out for a phone; globals.css uses the same. */
const phoneQuery = "(max-width: 480px)"

function subscribe(onChange: () => void): () => void {
  const query = window.matchMedia(phoneQuery)
  query.addEventListener("change", onChange)
  return () => query.removeEventListener("change", onChange)
}

/** True while the window is as narrow as a phone (480 CSS pixels or less); false on the server. */
export function usePhoneWidth(): boolean {
  return useSyncExternalStore(subscribe, () => window.matchMedia(phoneQuery).matches, () => false)
}
