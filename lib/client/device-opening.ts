import type { Author, Role } from "../protocol/messages"
import { claimDocument, leaderLockName, type ClaimedLeader } from "./leader-claims"
import { leaderLocks } from "./leader-locks"
import { LocalStore, type StoredDocument, type StoredLeader } from "./local-store"
import { DocConnection } from "./doc-connection"
import { newIdentity, type ClientIdentity } from "./hub-connection"
import { clearDocument } from "y-indexeddb"
import { crdtStoreName } from "./crdt-connection"
import type { DeviceWriter } from "./device-writer"
import { WorkerWriter } from "./worker-writer"
import { WriteRing } from "./write-ring"
import { importJournals } from "./leave-journal"

/** The ring's size: a few thousand keystrokes' writes, or a new copy of a large document. */
const ringBytes = 4 << 20

/** What a page opening a document found on this device, and who it continues as. */
export interface DeviceOpening {
  store: LocalStore
  /** What writes the page's leaders to `store`: a worker where the browser has them. */
  writer: DeviceWriter
  /** The leader this page is: a stored one it claimed, or a new one. */
  identity: ClientIdentity
  /** That leader's stored copy and work, when it is a stored one. */
  stored: StoredLeader | null
  /** Else the newest copy another tab keeps, to start from. */
  seed: StoredLeader | null
  /** Stored leaders of closed tabs whose work this page sends. */
  orphans: ClaimedLeader[]
  /** Let go of the page's claim on its leader: the DocConnection does, when it closes. */
  release(): void
}

const storeName = "concord"
let store: Promise<LocalStore | null> | null = null
let writer: DeviceWriter | null = null

/** This page's LocalStore, opened once; null where the browser has no IndexedDB or refuses it. */
function deviceStore(): Promise<LocalStore | null> {
  if (typeof indexedDB == "undefined") return Promise.resolve(null)
  return (store ??= LocalStore.open({ name: storeName }).catch(() => null))
}

/** A ring for the storage worker where the page may share memory with it (it is cross-origin isolated), else null. */
function writeRing(): WriteRing | null {
  return typeof SharedArrayBuffer == "function" && globalThis.crossOriginIsolated ? WriteRing.create(ringBytes) : null
}

/** This page's DeviceWriter, made once: a dedicated worker's where the browser can start one. */
function deviceWriter(opened: LocalStore): DeviceWriter {
  if (writer) return writer
  try {
    writer = typeof Worker == "function"
      ? new WorkerWriter(new Worker(new URL("./device-writer-worker.ts", import.meta.url), { type: "module", name: "concord-device-writer" }), opened, storeName, writeRing())
      : opened
  } catch {
    writer = opened
  }
  return writer
}

/**
 * Open document `docId` on this device: move the leave journals of its leaders into the store (see
 * LeaveJournal), claim its stored leaders whose tabs are gone (see
 * claimDocument), continue as the one with unsent work or start a new leader, and keep the store within
 * its bounds. Null when the device cannot store documents: the page then works as before, in memory.
 */
export async function openOnDevice(docId: string): Promise<DeviceOpening | null> {
  const opened = await deviceStore()
  if (!opened) return null
  // What pages that went away right after a keystroke kept in their leave journals goes in first.
  await importJournals(opened, docId)
  const locks = leaderLocks()
  const claim = await claimDocument(opened, locks, docId)
  let identity: ClientIdentity
  let release: () => void
  if (claim.own) {
    const { clientId, secret } = claim.own.stored.record
    identity = { clientId, secret }
    release = claim.own.release
  } else {
    identity = newIdentity()
    release = (await locks.claim(leaderLockName(docId, identity.clientId))) ?? (() => {})
  }
  void opened.evict(async leader => {
    const claimed = await locks.claim(leaderLockName(leader.docId, leader.clientId))
    claimed?.()
    return !!claimed
  }).catch(() => {})
  return { store: opened, writer: deviceWriter(opened), identity, stored: claim.own?.stored ?? null, seed: claim.seed, orphans: claim.orphans, release }
}

/**
 * Send the work of a closed tab's leader under its own id and seq (so that the hub applies it once),
 * in a connection of its own with no editor; once the hub has confirmed all of it, the leader is
 * forgotten on this device and its claim let go. Returns the connection.
 */
export function sendOrphanWork(orphan: ClaimedLeader, options: { docId: string; token: string; user: Author; knownRole: Role | null; store: LocalStore; writer?: DeviceWriter }): DocConnection {
  const { clientId, secret } = orphan.stored.record
  const { store, writer, ...connect } = options
  const connection = new DocConnection({ ...connect, identity: { clientId, secret }, device: { store, writer, stored: orphan.stored, release: orphan.release } })
  const unsubscribe = connection.subscribe(() => {
    const sent = connection.status == "online" && connection.unconfirmedCount == 0
    const stopped = connection.status == "denied" || connection.status == "revoked" || connection.status == "error"
    if (!sent && !stopped) return
    unsubscribe()
    void (sent ? connection.forgetOnDevice() : Promise.resolve()).finally(() => connection.close())
  })
  return connection
}

/** The documents this device keeps, with their edits stored only here; none where it keeps none. */
export async function documentsOnDevice(): Promise<StoredDocument[]> {
  const opened = await deviceStore()
  return opened ? opened.documents() : []
}

/** Remove everything this device keeps of document `docId`: its copies and unsent edits (CRDT documents' too). */
export async function removeFromDevice(docId: string): Promise<void> {
  const opened = await deviceStore()
  await opened?.remove(docId)
  if (typeof indexedDB != "undefined") await clearDocument(crdtStoreName(docId))
}
