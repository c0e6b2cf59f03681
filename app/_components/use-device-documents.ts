import { useCallback, useEffect, useState } from "react"
import { documentsOnDevice } from "@/lib/client/device-opening"
import { listRecentDocuments, type RecentDocument } from "@/lib/client/recent-documents"
import { removeDocument } from "./remove-document"

/** The documents this browser opened or created, what each keeps only here, and how to remove one (useDeviceDocuments). */
export interface DeviceDocuments {
  /** Most recent first; null until read. */
  documents: RecentDocument[] | null
  /** The edits each document keeps only on this device, by id. */
  unsent: ReadonlyMap<string, number>
  /** Remove a document from this device, after asking when that loses edits. */
  remove(docId: string): void
}

/**
 * The documents this browser opened or created, read once after the first render (localStorage and
 * IndexedDB are the browser's); `onListed` is told the list then.
 */
export function useDeviceDocuments(onListed?: (documents: RecentDocument[]) => void): DeviceDocuments {
  const [documents, setDocuments] = useState<RecentDocument[] | null>(null)
  const [unsent, setUnsent] = useState<ReadonlyMap<string, number>>(new Map())
  useEffect(() => {
    const listed = listRecentDocuments()
    setDocuments(listed)
    onListed?.(listed)
    void documentsOnDevice().then(stored => setUnsent(new Map(stored.map(d => [d.docId, d.unsent]))), () => {})
    // Read once: the list changes here only through `remove`.
  }, [])
  const remove = useCallback((docId: string) => {
    const { confirmed, removed } = removeDocument(docId, unsent.get(docId) ?? 0)
    if (!confirmed) return
    setDocuments(listRecentDocuments())
    void removed.then(() => setUnsent(previous => new Map([...previous].filter(([id]) => id != docId))))
  }, [unsent])
  return { documents, unsent, remove }
}
