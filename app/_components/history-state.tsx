import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from "react"
import { HistoryModel, type HistorySnapshot, type HistorySource } from "@/lib/history"
import { renderThrottle } from "./render-throttle"

const openKey = "concord:history-open"

/**
 * A HistoryModel following `connection` (through the history source it gives) for as long as it is
 * given and the component is mounted; null otherwise (pass null while the panel is closed, so that a
 * closed panel costs nothing).
 */
export function useHistoryModel(connection: { historySource(): HistorySource } | null): HistoryModel | null {
  const [model, setModel] = useState<HistoryModel | null>(null)
  useEffect(() => {
    if (!connection) return
    const created = new HistoryModel(connection.historySource())
    created.start()
    setModel(created)
    return () => {
      created.close()
      setModel(null)
    }
  }, [connection])
  return model
}

const noSnapshot = () => null
const noSubscription = () => () => {}

/** `subscribe`, its listener called through a renderThrottle of `ms`. */
function throttled(subscribe: (listener: () => void) => () => void, ms: number): (listener: () => void) => () => void {
  return listener => {
    const throttle = renderThrottle(listener, ms)
    const unsubscribe = subscribe(throttle.request)
    return () => {
      throttle.cancel()
      unsubscribe()
    }
  }
}

/** The model's snapshot, re-rendering on the changes it reports, at most every 150 ms while the focus is in the editor (see renderThrottle). */
export function useHistorySnapshot(model: HistoryModel): HistorySnapshot
export function useHistorySnapshot(model: HistoryModel | null): HistorySnapshot | null
export function useHistorySnapshot(model: HistoryModel | null): HistorySnapshot | null {
  const subscribe = useMemo(() => (model ? throttled(model.subscribe, 150) : noSubscription), [model])
  return useSyncExternalStore(subscribe, model ? () => model.snapshot : noSnapshot, noSnapshot)
}

const notTravelling = () => false

/** True while `model` shows an older version; re-renders only when that changes. */
export function useTravelling(model: HistoryModel | null): boolean {
  return useSyncExternalStore(model ? model.subscribe : noSubscription, model ? () => model.snapshot.travel.version != null : notTravelling, notTravelling)
}

/**
 * Whether the history panel is open, and the function that toggles it. Starts closed (as the server
 * renders it); once mounted, opens as the user last left it, else when the window is wide enough for it.
 */
export function useHistoryOpen(): [boolean, () => void] {
  const [open, setOpen] = useState(false)
  useEffect(() => {
    const saved = localStorage.getItem(openKey)
    setOpen(saved ? saved == "open" : window.innerWidth >= 1100)
  }, [])
  const toggle = useCallback(() => {
    setOpen(was => {
      localStorage.setItem(openKey, was ? "closed" : "open")
      return !was
    })
  }, [])
  return [open, toggle]
}
