import Link from "next/link"

/** Shown for addresses that match no page, such as a malformed document id. */
export default function NotFound() {
  return (
    <main className="notice-page">
      <Link href="/documents" className="brand" title="All documents"><span className="brand-mark" aria-hidden="true" /><span className="brand-name">Concord</span></Link>
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <Link className="button button-primary" href="/">Go to your documents</Link>
    </main>
  )
}
