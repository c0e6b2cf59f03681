import "fake-indexeddb/auto"
import { describe, expect, it } from "vitest"
import { DocConnection } from "../../lib/client/doc-connection"
import { claimDocument } from "../../lib/client/leader-claims"
import { MemoryLocks } from "../../lib/client/leader-locks"
import { LocalStore } from "../../lib/client/local-store"
import { serverSuite } from "../support/server-suite"
import { knownLinks } from "../support/link-registry"
import { TestClient, until } from "../support/test-client"

// The browser's DocConnection, run in Node against a real hub, kept on a device (IndexedDB from
// fake-indexeddb): what a reloaded or reopened page does with the work stored by the one before.

const suite = serverSuite()
const user = { name: "Tab", color: "#2f9e44" }
let stores = 0

function changes(connection: DocConnection) {
  return (wake: () => void) => connection.subscribe(wake)
}

/** A leader that typed `text` at the end of the first paragraph while offline, with all of it stored; then its page goes. */
async function leaveWorkOnDevice(store: LocalStore, docId: string, text: string): Promise<string> {
  const claim = await claimDocument(store, new MemoryLocks(), docId)
  const page = new DocConnection({ docId, token: knownLinks(docId).edit, user, url: suite.server.url, device: { store, seed: claim.seed } })
  await until(() => page.status == "online" && page.state != null, changes(page), 10_000, "the first page online")
  page.goOffline()
  const state = page.state!
  page.dispatch(state.tr.insertText(text, state.doc.firstChild!.nodeSize - 1))
  await until(() => page.keptOnDevice && page.storedCount == page.unconfirmedCount, changes(page), 10_000, "the work stored")
  page.close()
  return page.clientId
}

/** The page opened again on this device, as the stored leader it claims, with the role its link had. */
async function reopen(store: LocalStore, docId: string): Promise<DocConnection> {
  const stored = (await claimDocument(store, new MemoryLocks(), docId)).own!.stored
  return suite.closeAtEnd(new DocConnection({
    docId, token: knownLinks(docId).edit, user, url: suite.server.url, knownRole: "edit",
    identity: { clientId: stored.record.clientId, secret: stored.record.secret }, device: { store, stored }
  }))
}

describe("DocConnection kept on a device", () => {
  it("shows the stored work before the hub answers, continues as the same leader, and sends the work once", async () => {
    const docId = "device-reopen"
    const writer = suite.closeAtEnd(await TestClient.open(suite.server.url, docId, "writer", true))
    writer.type("Hello")
    await writer.waitFor(() => writer.sync!.idle && writer.sync!.version == 1)
    const store = await LocalStore.open({ name: `device-${++stores}` })
    const leader = await leaveWorkOnDevice(store, docId, " WORLD")
    expect(writer.text).toBe("Hello")

    const page = await reopen(store, docId)
    // Before any answer from the hub: the work is on show, editable, and counted as on this device.
    expect(page.status).toBe("connecting")
    expect(page.state!.doc.textContent).toBe("Hello WORLD")
    expect(page.writable).toBe(true)
    expect(page.storedCount).toBe(1)
    expect(page.unconfirmedCount).toBe(1)
    expect(page.clientId).toBe(leader)
    await until(() => page.status == "online" && page.unconfirmedCount == 0, changes(page), 10_000, "the work confirmed")
    await writer.waitFor(() => writer.text == "Hello WORLD")
    const ops = await writer.history()
    expect(ops.filter(op => op.clientId == leader)).toHaveLength(1)
    expect(page.storedCount).toBe(0)
  })

  it("offers the unsent text back when the hub cannot take the stored version, instead of dropping it", async () => {
    const docId = "device-too-new"
    const writer = suite.closeAtEnd(await TestClient.open(suite.server.url, docId, "writer", true))
    writer.type("Kept")
    await writer.waitFor(() => writer.sync!.idle && writer.sync!.version == 1)
    const store = await LocalStore.open({ name: `device-${++stores}` })
    await leaveWorkOnDevice(store, docId, " offline words")
    // The stored copy claims a version the hub never had (its data was restored from an older backup).
    const [record] = await store.leaders(docId)
    const stored = (await store.load(docId, record.clientId))!
    await store.save({ ...stored.record, version: 40, serial: stored.record.serial + 1 }, stored.doc.toJSON())

    const page = await reopen(store, docId)
    await until(() => page.issue != null && page.status == "online", changes(page), 10_000, "the reload and its report")
    expect(page.state!.doc.textContent).toBe("Kept")
    expect(page.issue).toMatchObject({ code: "ERR_VERSION_FROM_FUTURE", text: " offline words" })
    expect(page.issue!.lost).toBeGreaterThan(0)
    expect(page.issue!.message).toContain("insert it again")
  })
})
