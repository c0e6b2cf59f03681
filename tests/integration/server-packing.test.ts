import { mkdtempSync, readdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { startServerProcess, removeDataDir } from "../support/server-process"
import { serverSuite } from "../support/server-suite"
import { TestClient, settleAll } from "../support/test-client"

const suite = serverSuite({ CONCORD_PACK_AFTER_MS: "50" })

async function health(): Promise<{ documents: number; packedDocuments: number }> {
  return (await fetch(suite.server.url + "/metrics")).json()
}

describe("server: the heads of documents nobody edits are packed", () => {
  it("packs an open document once nobody edits it, serves a joiner from it, and unpacks it for the next edit", async () => {
    const ada = suite.closeAtEnd(await TestClient.open(suite.server.url, "packed", "ada", true))
    ada.type("written before packing")
    await settleAll([ada])
    await expect.poll(health, { timeout: 5_000 }).toMatchObject({ documents: 1, packedDocuments: 1 })

    const bob = suite.closeAtEnd(await TestClient.open(suite.server.url, "packed", "bob"))
    expect(bob.text).toBe("written before packing")
    bob.type(", and after")
    await settleAll([ada, bob])
    expect(ada.text).toBe("written before packing, and after")
    expect(bob.text).toBe(ada.text)
    // Packed again once nobody edits it, and still served whole.
    await expect.poll(health, { timeout: 5_000 }).toMatchObject({ packedDocuments: 1 })
    const carol = suite.closeAtEnd(await TestClient.open(suite.server.url, "packed", "carol"))
    expect(carol.text).toBe(ada.text)
  })

  it("refuses to start with a CONCORD_PACK_AFTER_MS that is not a number of milliseconds, before opening its store", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "concord-test-"))
    try {
      await expect(startServerProcess({ dataDir, env: { CONCORD_PACK_AFTER_MS: "soon" } })).rejects.toThrow(/CONCORD_PACK_AFTER_MS must be a number/)
      expect(readdirSync(dataDir)).toEqual([])
    } finally {
      removeDataDir(dataDir)
    }
  })
})
