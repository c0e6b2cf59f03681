import type { Metadata } from "next"
import { notFound } from "next/navigation"
import { docIdPattern } from "@/lib/protocol/limits"
import { hubStrategies } from "@/lib/protocol/strategies"
import { DocumentEditor } from "@/app/_components/document-editor"

/** The tab's title until the editor replaces it with the document's first line. */
export const metadata: Metadata = { title: "Document" }

/** A document's page; `?new=1` creates the document when it does not exist yet, under `?strategy=` (default ot). */
export default async function DocumentPage({ params, searchParams }: {
  params: Promise<{ id: string }>
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const { id } = await params
  if (!docIdPattern.test(id)) notFound()
  const query = await searchParams
  const create = query.new == "1"
  const strategy = hubStrategies.find(s => s == query.strategy)
  return <DocumentEditor key={id} docId={id} create={create} strategy={strategy} />
}
