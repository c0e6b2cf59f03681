import type { RemotePresence } from "@/lib/client/remote-presence"
import { safeColor } from "@/lib/protocol/author-color"
import { textOn } from "@/lib/editor/text-on-color"

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  // By characters, not UTF-16 units: an emoji or an astral letter stays whole. One word gives one letter ("B" for Bob).
  const first = (word: string) => Array.from(word)[0]
  const letters = words.length > 1 ? first(words[0]) + first(words[words.length - 1]) : first(words[0] ?? "?")
  return letters.toUpperCase()
}

/** Other people in the document: an avatar with initials in their colour, and their name. */
export function PresenceList({ others }: { others: readonly RemotePresence[] }) {
  return (
    <ul className="presence-list" data-testid="presence-list" aria-label="People in this document">
      {others.map(({ clientId, user }) => (
        <li key={clientId} className="presence-user" data-testid="presence-user" title={user.name}>
          <span className="avatar" style={{ backgroundColor: safeColor(user.color), color: textOn(safeColor(user.color)) }} aria-hidden="true">
            {initials(user.name)}
          </span>
          <span className="presence-name">{user.name}</span>
        </li>
      ))}
    </ul>
  )
}
