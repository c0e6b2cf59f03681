import type { Metadata } from "next"
import { notFound } from "next/navigation"
import { docIdPattern } from "@/lib/protocol/limits"
import { AddressedDocument } from "@/app/_components/addressed-document"

/** The tab's title until the editor replaces it with the document's first line. */
export const metadata: Metadata = { title: "Document" }

/** A document's page, `/d/<id>#<token>`: the link's token lives in the fragment, which only the browser reads. */
export default async function DocumentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params
  if (!docIdPattern.test(id)) notFound()
  return <AddressedDocument />
}
