"use client"

import { useRouter } from "next/navigation"
import { randomId } from "@/lib/client/random-id"

/** Starts a document under a fresh unguessable id; the editor page creates it on first join. */
export function NewDocumentButton() {
  const router = useRouter()
  return (
    <button type="button" className="button button-primary button-large" data-testid="new-document"
      onClick={() => router.push(`/d/${randomId()}?new=1`)}>
      <span aria-hidden="true" className="button-plus">+</span> New document
    </button>
  )
}
