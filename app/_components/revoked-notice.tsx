/**
 * Shown above the document once the tab's link was revoked: editing stopped, and what the tab shows
 * (`unsent` changes the server never received included) stays on the page to read and copy.
 */
export function RevokedNotice({ unsent }: { unsent: number }) {
  return (
    <div className="issue issue-loss" role="alert" data-testid="link-revoked">
      <span className="issue-text">
        <strong>This link was revoked by the document&apos;s owner.</strong>{" "}
        {unsent
          ? `${unsent} change${unsent == 1 ? " you made was" : "s you made were"} not saved: they are still shown below, so copy anything you want to keep before leaving.`
          : "You can still read and copy what is shown below. Ask the owner for a new link to keep working."}
      </span>
    </div>
  )
}
