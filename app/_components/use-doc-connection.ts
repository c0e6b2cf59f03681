import { useEffect, useState } from "react"
import { CrdtConnection } from "@/lib/client/crdt-connection"
import { caretElement } from "@/lib/editor/presence-plugin"
import { DocConnection } from "@/lib/client/doc-connection"
import { tokenFromFragment } from "@/lib/client/document-link"
import { loadIdentity } from "@/lib/client/identity"
import { forgetToken, rolesByReach, storedLinks, storeLinks } from "@/lib/client/stored-links"
import { openOnDevice, sendOrphanWork } from "@/lib/client/device-opening"
import type { WriteTimings } from "@/lib/client/leader-persistence"
import { knownStrategy, rememberStrategy } from "@/lib/client/known-strategies"
import { offlineChosen } from "@/lib/client/offline-choice"
import type { Role } from "@/lib/protocol/messages"
import { createEditorPlugins } from "@/lib/editor/plugins"
import { historyHighlightPlugin } from "@/lib/history/highlight-plugin"
import { modeOf } from "@/lib/strategies/registry"

/** The connection of the document page: ProseMirror steps through the hub, or a Yjs document on CRDT documents. */
export type PageConnection = DocConnection | CrdtConnection

/** The document page's connection, and whether the page has no link to open the document with. */
export interface PageAccess {
  /** The open connection; null while server rendering and when there is no link to try. */
  connection: PageConnection | null
  /** True when the address carries no token and this browser holds none, or the hub refused every one tried. */
  needsLink: boolean
}

declare global {
  interface Window {
    /** The open document's connection, for end-to-end tests. */
    __concord?: { connection: PageConnection }
    /** Set by a benchmark before the page loads: told how long each write of the document to the device took (bench/device.ts). */
    __concordBench?: { onWrite(timings: WriteTimings): void }
  }
}

/** The role this browser's stored link `token` of `docId` had when the hub last accepted it. */
function knownRoleOf(docId: string, token: string): Role | null {
  const links = storedLinks(docId)
  return rolesByReach.find(role => links[role] == token) ?? null
}

/**
 * Open the document's connection on this device: as the stored leader with unsent work when there is
 * one (shown at once, before the hub answers), sending the work of other closed tabs of this browser.
 */
async function openDoc(docId: string, token: string): Promise<DocConnection> {
  const device = await openOnDevice(docId)
  const user = loadIdentity()
  const knownRole = knownRoleOf(docId, token)
  const opened: DocConnection = new DocConnection({
    docId,
    token,
    user,
    knownRole,
    startOffline: offlineChosen(docId),
    plugins: [...createEditorPlugins({ others: () => opened.others }), historyHighlightPlugin()],
    ...(device ? { identity: device.identity, device: { store: device.store, writer: device.writer, stored: device.stored, seed: device.seed, release: device.release, ...deviceWriteObserver() } } : {})
  })
  if (device) for (const orphan of device.orphans) sendOrphanWork(orphan, { docId, token, user, knownRole, store: device.store, writer: device.writer })
  return opened
}

/** The benchmark's observer of device writes, when one is set on the window. */
function deviceWriteObserver(): { onWrite?: (timings: WriteTimings) => void } {
  const bench = window.__concordBench
  return bench ? { onWrite: timings => bench.onWrite(timings) } : {}
}


function openCrdt(docId: string, token: string): CrdtConnection {
  return new CrdtConnection({
    docId, token, user: loadIdentity(), knownRole: knownRoleOf(docId, token), startOffline: offlineChosen(docId),
    plugins: [...createEditorPlugins({ others: () => [], undo: "yjs" }), historyHighlightPlugin()], keepOnDevice: true, caret: caretElement
  })
}

/** The tokens to try, in order: the one in the address's fragment, then the ones this browser holds, the most capable first. */
function tokensToTry(docId: string): string[] {
  const links = storedLinks(docId)
  const tokens = [tokenFromFragment(window.location.hash), ...rolesByReach.map(role => links[role])]
  return [...new Set(tokens.filter((token): token is string => !!token))]
}

/**
 * Keep the accepted link in this browser, then take its token out of the address bar, so that the
 * address a person copies from there never hands out their role (Share gives the links to hand out).
 * A browser that cannot store it keeps the token in the address, so that a reload still opens the document.
 */
function keepLink(connection: PageConnection): void {
  if (!connection.role) return
  if (storeLinks(connection.docId, { [connection.role]: connection.token }) && window.location.hash)
    window.history.replaceState(window.history.state, "", `/d/${connection.docId}`)
}

/**
 * Open a connection to document `docId` for as long as the component is mounted, re-rendering on every
 * change, with the first link that works: the address's fragment, else the ones this browser keeps. A
 * link the hub refuses is forgotten and the next one tried. A document the hub turns out to serve as a
 * CRDT gets a CrdtConnection instead. `connection` is null during server rendering.
 */
export function useDocConnection(docId: string): PageAccess {
  const [connection, setConnection] = useState<PageConnection | null>(null)
  const [needsLink, setNeedsLink] = useState(false)
  const [, setRevision] = useState(0)
  useEffect(() => {
    const tokens = tokensToTry(docId)
    let current: PageConnection | null = null
    let cancelled = false
    let unsubscribe = () => {}
    const use = (opened: PageConnection) => {
      unsubscribe()
      if (cancelled) return opened.close()
      current = opened
      unsubscribe = opened.subscribe(change => {
        if (change == "status" && opened.status == "online") {
          keepLink(opened)
          rememberStrategy(docId, opened.strategy)
        }
        // A DocConnection hands over when the document it joined is a CRDT document.
        if (opened instanceof DocConnection && modeOf(opened.strategy).carries == "updates") {
          opened.close()
          return use(openCrdt(docId, opened.token))
        }
        if (change == "status" && opened.status == "denied") {
          forgetToken(docId, opened.token)
          const next = tokens.shift()
          if (next) {
            opened.close()
            return void open(next)
          }
        }
        setRevision(r => r + 1)
      })
      setConnection(opened)
      window.__concord = { connection: opened }
    }
    // A document this browser knows as a CRDT document opens as one at once, offline too.
    const known = knownStrategy(docId)
    const open = async (token: string) => use(known && modeOf(known).carries == "updates" ? openCrdt(docId, token) : await openDoc(docId, token))
    const first = tokens.shift()
    if (first) void open(first)
    else setNeedsLink(true)
    // A keystroke waiting for the next frame's write goes to the device before the page is gone: when it
    // goes (pagehide), and when it is hidden, after which a mobile browser may end it without one.
    const flush = () => current?.leaving()
    const hidden = () => { if (document.visibilityState == "hidden") flush() }
    window.addEventListener("pagehide", flush)
    document.addEventListener("visibilitychange", hidden)
    return () => {
      window.removeEventListener("pagehide", flush)
      document.removeEventListener("visibilitychange", hidden)
      cancelled = true
      unsubscribe()
      if (current) current.close()
      if (current && window.__concord?.connection == current) delete window.__concord
    }
  }, [docId])
  return { connection, needsLink: needsLink || connection?.status == "denied" }
}
