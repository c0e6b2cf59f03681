import Link from "next/link"

/** Shown instead of the editor when the page has no link the hub accepts for the document. */
export function NeedLink() {
  return (
    <section className="notice-page" data-testid="need-link" aria-labelledby="need-link-heading">
      <h1 id="need-link-heading">You need a link to open this document</h1>
      <p>
        This address alone does not open the document, or the link you used no longer works. Ask the person
        who shared it for a new link.
      </p>
      <Link href="/" className="button button-primary button-large">Go to your documents</Link>
    </section>
  )
}
