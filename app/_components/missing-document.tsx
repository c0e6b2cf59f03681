/** Shown for a document id the hub does not know, with a button that creates the document under that id. */
export function MissingDocument({ onCreate }: { onCreate: () => void }) {
  return (
    <section className="missing" aria-labelledby="missing-heading">
      <h1 id="missing-heading">This document doesn&apos;t exist yet</h1>
      <p>Nobody has written anything at this address. Create the document to start writing; anyone with the link can join.</p>
      <button type="button" className="button button-primary button-large" data-testid="create-document" onClick={onCreate}>
        Create it
      </button>
    </section>
  )
}
