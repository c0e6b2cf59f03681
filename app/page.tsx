import Link from "next/link"
import { NewDocumentButton } from "./_components/new-document-button"
import { RecentDocumentList } from "./_components/recent-document-list"

/** Home: start a new document or reopen one this browser opened before. */
export default function HomePage() {
  return (
    <div className="home">
      <header className="home-header">
        <span className="brand"><span className="brand-mark" aria-hidden="true" />Concord</span>
        <Link href="/lab" className="button button-quiet" style={{ marginLeft: "auto" }} data-testid="home-lab-link">Conflict lab</Link>
      </header>
      <main className="home-main">
        <section className="hero">
          <h1>Write together, in real time.</h1>
          <p>
            Start a document and share its link. Everyone edits the same text at once, sees each other&apos;s
            cursors, and keeps working through a dropped connection.
          </p>
          <NewDocumentButton />
        </section>
        <section className="recent" aria-labelledby="recent-heading">
          <div className="recent-heading-row">
            <h2 id="recent-heading">Recent documents</h2>
            <Link href="/documents" className="recent-all" data-testid="home-documents-link">All documents</Link>
          </div>
          <RecentDocumentList />
        </section>
      </main>
    </div>
  )
}
