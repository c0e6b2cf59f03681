import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { DocConnection } from "../../lib/client/doc-connection"
import { startHubCluster, type HubCluster } from "../support/hub-cluster"
import { knownLinks } from "../support/link-registry"
import { TestClient, until } from "../support/test-client"

// The browser's DocConnection, run in Node, given the addresses of two hubs on one database: when its
// hub dies it goes on at the other, as it would after reconnecting to the same hub.

let cluster: HubCluster

beforeAll(async () => {
  cluster = await startHubCluster(2)
})

afterAll(async () => {
  await cluster?.stop()
})

function changes(connection: DocConnection) {
  return (wake: () => void) => connection.subscribe(wake)
}

/** Type `text` at the end of the first paragraph. */
function type(connection: DocConnection, text: string): void {
  const state = connection.state!
  connection.dispatch(state.tr.insertText(text, state.doc.firstChild!.nodeSize - 1))
}

describe("DocConnection with the addresses of two hubs", () => {
  it("moves to the other hub when its own is killed, resends its batch in flight there, and goes on", async () => {
    const creator = await TestClient.open(cluster.urls[0], "failover", "creator", true)
    creator.close()
    const connection = new DocConnection({ docId: "failover", token: knownLinks("failover").edit, user: { name: "Mover", color: "#2f9e44" }, urls: cluster.urls })
    try {
      await until(() => connection.status == "online", changes(connection), 10_000, "the connection to join at the first address")
      type(connection, "before ")
      await until(() => connection.unconfirmedCount == 0, changes(connection), 10_000, "the first edit acknowledged")

      // Hub 0 stops answering, so the next batch is in flight when it dies.
      cluster.hub(0).child.kill("SIGSTOP")
      type(connection, "in flight ")
      expect(connection.unconfirmedCount).toBeGreaterThan(0)
      await cluster.kill(0)
      await until(() => connection.status == "online" && connection.unconfirmedCount == 0, changes(connection), 30_000, "the batch in flight acknowledged by hub 1")

      type(connection, "after")
      await until(() => connection.unconfirmedCount == 0, changes(connection), 10_000, "the next edit acknowledged by hub 1")

      const reader = await TestClient.open(cluster.urls[1], "failover", "reader")
      try {
        expect(reader.text).toBe("before in flight after")
        expect(reader.sync!.version).toBe(connection.version)
        expect((await reader.history()).filter(op => op.clientId == connection.clientId)).toHaveLength(3)
      } finally {
        reader.close()
      }

      // A connection opened now tries the dead first address, then joins at the second.
      const late = new DocConnection({ docId: "failover", token: knownLinks("failover").edit, user: { name: "Late", color: "#1971c2" }, urls: cluster.urls })
      try {
        await until(() => late.status == "online", changes(late), 30_000, "a new connection to join past the dead first address")
        expect(late.state!.doc.textContent).toBe("before in flight after")
      } finally {
        late.close()
      }
    } finally {
      connection.close()
    }
  })

  it("moves to another hub when its own stops on SIGTERM, and back to a hub that restarted", async () => {
    await cluster.restart(0)
    const creator = await TestClient.open(cluster.urls[1], "graceful", "creator", true)
    creator.close()
    const connection = new DocConnection({ docId: "graceful", token: knownLinks("graceful").edit, user: { name: "Mover", color: "#2f9e44" }, urls: [cluster.urls[1], cluster.urls[0]] })
    try {
      await until(() => connection.status == "online", changes(connection), 10_000, "the connection to join hub 1")
      await cluster.hub(1).stop("SIGTERM")
      type(connection, "on hub 0")
      await until(() => connection.status == "online" && connection.unconfirmedCount == 0, changes(connection), 30_000, "the edit acknowledged by hub 0")
      await cluster.restart(1)
      await cluster.kill(0)
      type(connection, ", back on hub 1")
      await until(() => connection.status == "online" && connection.unconfirmedCount == 0, changes(connection), 30_000, "the edit acknowledged by the restarted hub 1")
      const reader = await TestClient.open(cluster.urls[1], "graceful", "reader")
      try {
        expect(reader.text).toBe("on hub 0, back on hub 1")
      } finally {
        reader.close()
      }
    } finally {
      connection.close()
    }
  })
})
