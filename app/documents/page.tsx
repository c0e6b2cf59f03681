import type { Metadata } from "next"
import Link from "next/link"
import { DocumentList } from "@/app/_components/document-list"

export const metadata: Metadata = { title: "Documents" }

/** The documents this browser opened or created, with what the server says of each. */
export default function DocumentsPage() {
  return (
    <div className="home">
      <header className="home-header">
        <Link href="/" className="brand"><span className="brand-mark" aria-hidden="true" />Concord</Link>
      </header>
      <main className="home-main documents">
        <h1 className="documents-heading">Documents</h1>
        <DocumentList />
      </main>
    </div>
  )
}
