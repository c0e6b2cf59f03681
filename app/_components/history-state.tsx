import { useCallback, useEffect, useState, useSyncExternalStore } from "react"
import { HistoryModel, type HistorySnapshot, type HistorySource } from "@/lib/history"

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

/** The model's snapshot, re-rendering on every change it reports. */
export function useHistorySnapshot(model: HistoryModel): HistorySnapshot
export function useHistorySnapshot(model: HistoryModel | null): HistorySnapshot | null
export function useHistorySnapshot(model: HistoryModel | null): HistorySnapshot | null {
  return useSyncExternalStore(model ? model.subscribe : noSubscription, model ? () => model.snapshot : noSnapshot, noSnapshot)
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
