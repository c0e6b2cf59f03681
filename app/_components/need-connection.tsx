import Link from "next/link"

/** Shown instead of the editor when the server cannot be reached and this device has no copy of the document. */
export function NeedConnection() {
  return (
    <section className="notice-page" data-testid="need-connection" aria-labelledby="need-connection-heading">
      <h1 id="need-connection-heading">This document needs a connection</h1>
      <p>
        It has not been opened on this device before, and the server cannot be reached. It opens as soon as
        the connection is back.
      </p>
      <Link href="/" className="button button-primary button-large">Go to your documents</Link>
    </section>
  )
}
