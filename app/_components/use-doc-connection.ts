import { useEffect, useRef, useState } from "react"
import { CrdtConnection } from "@/lib/client/crdt-connection"
import { DocConnection } from "@/lib/client/doc-connection"
import { loadIdentity } from "@/lib/client/identity"
import { createEditorPlugins } from "@/lib/editor/plugins"
import { historyHighlightPlugin } from "@/lib/history/highlight-plugin"
import type { StrategyName } from "@/lib/protocol/messages"

/** The connection of the document page: ProseMirror steps through the hub, or a Yjs document on CRDT documents. */
export type PageConnection = DocConnection | CrdtConnection

declare global {
  interface Window {
    /** The open document's connection, for end-to-end tests. */
    __concord?: { connection: PageConnection }
  }
}

function openCrdt(docId: string, create: boolean): CrdtConnection {
  return new CrdtConnection({ docId, create, user: loadIdentity(), plugins: createEditorPlugins({ others: () => [], undo: "yjs" }) })
}

/**
 * Open a connection to document `docId` for as long as the component is mounted, re-rendering it on
 * every change. `create` and `strategy` (the one to create the document under) are read once, when the
 * connection opens. A document the hub turns out to serve as a CRDT gets a CrdtConnection instead.
 * Null during server rendering.
 */
export function useDocConnection(docId: string, create: boolean, strategy?: StrategyName): PageConnection | null {
  const [connection, setConnection] = useState<PageConnection | null>(null)
  const [, setRevision] = useState(0)
  const createRef = useRef(create)
  const strategyRef = useRef(strategy)
  useEffect(() => {
    let current: PageConnection
    let unsubscribe = () => {}
    const use = (opened: PageConnection) => {
      unsubscribe()
      current = opened
      unsubscribe = opened.subscribe(() => {
        // A DocConnection hands over when the document it joined is a CRDT document.
        if (opened instanceof DocConnection && opened.strategy == "crdt") {
          opened.close()
          use(openCrdt(docId, false))
        }
        setRevision(r => r + 1)
      })
      setConnection(opened)
      window.__concord = { connection: opened }
    }
    if (strategyRef.current == "crdt" && createRef.current) use(openCrdt(docId, true))
    else {
      const opened: DocConnection = new DocConnection({
        docId,
        create: createRef.current,
        strategy: strategyRef.current,
        user: loadIdentity(),
        plugins: [...createEditorPlugins({ others: () => opened.others }), historyHighlightPlugin()]
      })
      use(opened)
    }
    return () => {
      unsubscribe()
      current.close()
      if (window.__concord?.connection == current) delete window.__concord
    }
  }, [docId])
  return connection
}
