"use client"

import { notFound, usePathname } from "next/navigation"
import { docIdPattern } from "@/lib/protocol/limits"
import { DocumentEditor } from "./document-editor"

/**
 * The editor of the document the address bar names, `/d/<id>`. The id is read from the address in the
 * browser rather than from the server's render: offline, the service worker answers every document's
 * address with one cached page (app/sw.ts).
 */
export function AddressedDocument() {
  const docId = usePathname().split("/")[2] ?? ""
  if (!docIdPattern.test(docId)) notFound()
  return <DocumentEditor key={docId} docId={docId} />
}
