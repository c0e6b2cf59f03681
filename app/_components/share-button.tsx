import { useEffect, useState } from "react"

/** Put `text` on the clipboard: the async Clipboard API where allowed, else a hidden textarea and execCommand. */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    const area = document.createElement("textarea")
    area.value = text
    area.setAttribute("readonly", "")
    area.style.position = "fixed"
    area.style.opacity = "0"
    document.body.append(area)
    area.select()
    try {
      return document.execCommand("copy")
    } catch {
      return false
    } finally {
      area.remove()
    }
  }
}

/** Copies the document's link; when no clipboard is available, shows the link to copy by hand. */
export function ShareButton({ docId }: { docId: string }) {
  const [copied, setCopied] = useState(false)
  useEffect(() => {
    if (!copied) return
    const timer = setTimeout(() => setCopied(false), 2000)
    return () => clearTimeout(timer)
  }, [copied])
  const share = async () => {
    const url = `${window.location.origin}/d/${docId}`
    if (await copyText(url)) setCopied(true)
    else window.prompt("Copy this link to share the document", url)
  }
  return (
    <button type="button" className="button button-primary" data-testid="share-button" onClick={share} aria-live="polite">
      {copied ? "Link copied" : "Share"}
    </button>
  )
}
