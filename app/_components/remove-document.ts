import { removeFromDevice } from "@/lib/client/device-opening"
import { forgetDocument } from "@/lib/client/recent-documents"

/**
 * Remove document `docId` from this device: from the list of documents and, with its copies and unsent
 * edits, from IndexedDB; after asking when `unsent` edits would be lost. Resolves false when the person
 * said no, true once the list has forgotten it (the IndexedDB copy goes in `removed`).
 */
export function removeDocument(docId: string, unsent: number): { confirmed: boolean; removed: Promise<void> } {
  if (unsent && !window.confirm(`${unsent} edits of this document are only on this device and have not reached the server. Remove them too?`))
    return { confirmed: false, removed: Promise.resolve() }
  forgetDocument(docId)
  return { confirmed: true, removed: removeFromDevice(docId) }
}
