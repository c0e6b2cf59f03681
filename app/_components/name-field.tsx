import { useEffect, useState } from "react"
import type { Author } from "@/lib/protocol/messages"
import { cleanName, colorName, identityColors } from "@/lib/client/identity"

/**
 * This user's display name, editable in place (saved on Enter or blur), and colour: clicking the
 * swatch moves to the next colour of the palette.
 */
export function NameField({ user, onChange }: { user: Author; onChange: (user: Author) => void }) {
  const [draft, setDraft] = useState(user.name)
  useEffect(() => setDraft(user.name), [user.name])
  const commit = () => {
    const name = cleanName(draft)
    if (name && name != user.name) onChange({ ...user, name })
    else setDraft(user.name)
  }
  const nextColor = () => {
    const index = identityColors.indexOf(user.color as (typeof identityColors)[number])
    onChange({ ...user, color: identityColors[(index + 1) % identityColors.length] })
  }
  const named = colorName(user.color)
  const label = named ? `Your colour: ${named}. Change it` : "Change your colour"
  return (
    <div className="name-field">
      <button type="button" className="name-swatch" data-testid="name-swatch" style={{ backgroundColor: user.color }} onClick={nextColor}
        title={label} aria-label={label} />
      <input className="name-input" data-testid="name-input" aria-label="Your name" value={draft} maxLength={64}
        onChange={event => setDraft(event.target.value)} onBlur={commit}
        onKeyDown={event => {
          if (event.key == "Enter") event.currentTarget.blur()
          if (event.key == "Escape") {
            setDraft(user.name)
            requestAnimationFrame(() => (event.target as HTMLInputElement).blur())
          }
        }} />
    </div>
  )
}
