import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startHubCluster, type HubCluster } from "../support/hub-cluster"
import { TestClient } from "../support/test-client"

let cluster: HubCluster

beforeAll(async () => {
  cluster = await startHubCluster(2)
})

afterAll(async () => {
  await cluster?.stop()
})

describe("Two hubs on one PostgreSQL database", () => {
  it("each answers /healthz", async () => {
    for (const url of cluster.urls) {
      const response = await fetch(new URL("/healthz", url))
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ status: "ok" })
    }
  })

  it("serves a document created and edited through hub 0 to a client of hub 1, from the shared database", async () => {
    const ada = await TestClient.open(cluster.urls[0], "shared-doc", "ada", true)
    try {
      ada.type("written on hub 0")
      await ada.waitFor(() => ada.sync!.idle && !ada.awaitingAck, "ada's edit acknowledged")
      const bob = await TestClient.open(cluster.urls[1], "shared-doc", "bob")
      try {
        expect(bob.text).toBe("written on hub 0")
        expect(bob.sync!.version).toBe(ada.sync!.version)
      } finally {
        bob.close()
      }
    } finally {
      ada.close()
    }
  })
})
