import { describe, expect, it } from "vitest"
import type { Socket } from "socket.io-client"
import { DocConnection } from "../../lib/client/doc-connection"
import type { SyncClient } from "../../lib/ot"
import { serverSuite } from "../support/server-suite"
import { knownLinks } from "../support/link-registry"
import { TestClient, until } from "../support/test-client"

// The browser's DocConnection, run in Node against a real hub, rejoining with work made offline.

const suite = serverSuite()

describe("DocConnection and a change too large for one message", () => {
  it("sends a paste of a long document in chunks, and refuses one that no chunk can carry, leaving the document as it was and saying why", async () => {
    const docId = "too-large"
    const bob = suite.closeAtEnd(await TestClient.open(suite.server.url, docId, "bob", true))
    const ada = suite.closeAtEnd(new DocConnection({ docId, token: knownLinks(docId).edit, user: { name: "Ada", color: "#c2255c" }, url: suite.server.url }))
    const changes = (wake: () => void) => ada.subscribe(wake)
    await until(() => ada.status == "online" && ada.state != null, changes, 10_000, "Ada to join")
    // Some 1.3 MB of JSON: 3,000 paragraphs of 300 characters, as a paste of a long document would be.
    const { schema } = ada.state!
    const paragraphs = Array.from({ length: 3000 }, (_, i) => schema.nodes.paragraph.create(null, schema.text(`${i} `.padEnd(300, "x"))))
    ada.dispatch(ada.state!.tr.replaceWith(0, ada.state!.doc.content.size, paragraphs))
    expect(ada.state!.doc.childCount).toBe(3000)
    expect(ada.issue).toBeNull()
    await until(() => ada.unconfirmedCount == 0, changes, 20_000, "the paste to be confirmed")
    await bob.waitFor(() => bob.sync!.version >= ada.version!, "Bob to have it")
    expect([bob.sync!.state.doc.childCount, bob.sync!.state.doc.textContent]).toEqual([3000, ada.state!.doc.textContent])
    // One paragraph of 1.2 MB cannot be taken apart.
    const before = ada.state!.doc
    ada.dispatch(ada.state!.tr.replaceWith(0, ada.state!.doc.content.size, schema.nodes.paragraph.create(null, schema.text("y".repeat(1_200_000)))))
    expect(ada.state!.doc.eq(before)).toBe(true)
    expect(ada.issue).toMatchObject({ code: "ERR_MESSAGE_TOO_LARGE", lost: 0, message: expect.stringContaining("nothing was changed") })
  })
})

describe("DocConnection rejoining with offline work", () => {
  it("sends the work before applying what arrived meanwhile, so that the hub transforms it while the tab rebases it", async () => {
    const docId = "rejoin-early"
    const bob = suite.closeAtEnd(await TestClient.open(suite.server.url, docId, "bob", true))
    bob.type("shared ")
    await bob.waitFor(() => bob.sync!.idle, "Bob's first edit")
    const ada = suite.closeAtEnd(new DocConnection({ docId, token: knownLinks(docId).edit, user: { name: "Ada", color: "#c2255c" }, url: suite.server.url }))
    const changes = (wake: () => void) => ada.subscribe(wake)
    await until(() => ada.status == "online" && ada.version == 1, changes, 10_000, "Ada to join")

    ada.goOffline()
    ada.dispatch(ada.state!.tr.insertText("offline ", 1))
    bob.type("online ")
    await bob.waitFor(() => bob.sync!.idle, "Bob's edit made while Ada is away")

    // The order of what Ada's rejoin does: its submit going out, and the join's ops being applied.
    const order: string[] = []
    const socket = (ada as unknown as { socket: Socket }).socket
    socket.onAnyOutgoing((event: string, message: { baseVersion?: number }) => { if (event == "submit") order.push(`submit on v${message.baseVersion}`) })
    const sync = (ada as unknown as { sync: SyncClient }).sync
    const receive = sync.receive.bind(sync)
    sync.receive = ops => {
      if (ops.length) order.push(`applied ${ops.length} op${ops.length == 1 ? "" : "s"}`)
      return receive(ops)
    }
    ada.goOnline()
    await until(() => ada.status == "online" && ada.unconfirmedCount == 0 && ada.version == 3, changes, 10_000, "Ada's work to be confirmed")
    await bob.waitFor(() => bob.sync!.version == 3, "Bob to hear of it")
    expect(order.slice(0, 2)).toEqual(["submit on v1", "applied 1 op"])
    expect(bob.text).toBe("offline shared online ")
    expect(ada.state!.doc.textBetween(0, ada.state!.doc.content.size, "|")).toBe(bob.text)
  })
})
