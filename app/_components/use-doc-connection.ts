import { useEffect, useRef, useState } from "react"
import { DocConnection } from "@/lib/client/doc-connection"
import { loadIdentity } from "@/lib/client/identity"
import { createEditorPlugins } from "@/lib/editor/plugins"
import { historyHighlightPlugin } from "@/lib/history/highlight-plugin"
import type { StrategyName } from "@/lib/protocol/messages"

declare global {
  interface Window {
    /** The open document's connection, for end-to-end tests. */
    __concord?: { connection: DocConnection }
  }
}

/**
 * Open a DocConnection to document `docId` for as long as the component is mounted, re-rendering it on
 * every change. `create` and `strategy` (the one to create the document under) are read once, when the
 * connection opens. Null during server rendering.
 */
export function useDocConnection(docId: string, create: boolean, strategy?: StrategyName): DocConnection | null {
  const [connection, setConnection] = useState<DocConnection | null>(null)
  const [, setRevision] = useState(0)
  const createRef = useRef(create)
  const strategyRef = useRef(strategy)
  useEffect(() => {
    const opened: DocConnection = new DocConnection({
      docId,
      create: createRef.current,
      strategy: strategyRef.current,
      user: loadIdentity(),
      plugins: [...createEditorPlugins({ others: () => opened.others }), historyHighlightPlugin()]
    })
    const unsubscribe = opened.subscribe(() => setRevision(r => r + 1))
    setConnection(opened)
    window.__concord = { connection: opened }
    return () => {
      unsubscribe()
      opened.close()
      if (window.__concord?.connection == opened) delete window.__concord
    }
  }, [docId])
  return connection
}
