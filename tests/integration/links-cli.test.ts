import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { io } from "socket.io-client"
import type { JoinResult, Reply } from "../../lib/protocol"
import { knownLinks } from "../support/link-registry"
import { serverSuite } from "../support/server-suite"
import { TestClient, testSecret } from "../support/test-client"

// `npm run links -- <docId> [--data-dir DIR]` reissues a document's three links on the store of a
// running server, for an operator whose users lost them.

const suite = serverSuite()
const root = fileURLToPath(new URL("../..", import.meta.url))

function runLinks(...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "server/links-cli.ts", ...args], { cwd: root, encoding: "utf8", env: { ...process.env, CONCORD_LOG_LEVEL: "silent" } })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

async function joinWith(docId: string, token: string): Promise<string> {
  const socket = io(suite.server.url, { transports: ["websocket"], forceNew: true, reconnection: false })
  try {
    const reply: Reply<JoinResult> = await socket.emitWithAck("join", { docId, clientId: "cli-check", secret: testSecret("cli-check"), token, version: null, user: { name: "Op", color: "#123456" } })
    return reply.ok ? reply.value.role : reply.error.code
  } finally {
    socket.close()
  }
}

describe("the links command", () => {
  it("prints three new link paths that open the document with their roles, and the old links stop working at once", async () => {
    const writer = suite.closeAtEnd(await TestClient.open(suite.server.url, "lost-links", "writer", true))
    writer.type("kept")
    await writer.waitFor(() => writer.settledAt(1), "the op")
    const old = knownLinks("lost-links")

    const { status, stdout, stderr } = runLinks("lost-links", "--data-dir", suite.server.dataDir)
    expect(stderr).toBe("")
    expect(status).toBe(0)
    const paths = Object.fromEntries([...stdout.matchAll(/^(owner|edit|view)\s+\/d\/lost-links#([A-Za-z0-9_-]{43})$/gm)].map(m => [m[1], m[2]]))
    expect(Object.keys(paths)).toEqual(["owner", "edit", "view"])
    for (const role of ["owner", "edit", "view"]) expect(await joinWith("lost-links", paths[role])).toBe(role)
    for (const role of ["owner", "edit", "view"] as const) expect(await joinWith("lost-links", old[role])).toBe("ERR_ACCESS_DENIED")
  })

  it("refuses an unknown document, a folder without a database (creating none) and a missing id", () => {
    const unknown = runLinks("no-such-doc", "--data-dir", suite.server.dataDir)
    expect([unknown.status, unknown.stderr]).toEqual([1, expect.stringContaining("No document no-such-doc")])
    const empty = mkdtempSync(join(tmpdir(), "concord-links-cli-"))
    try {
      const nowhere = runLinks("lost-links", "--data-dir", empty)
      expect([nowhere.status, nowhere.stderr]).toEqual([1, expect.stringContaining("No Concord database")])
      expect(existsSync(join(empty, "concord.db"))).toBe(false)
    } finally {
      rmSync(empty, { recursive: true, force: true })
    }
    expect(runLinks().status).toBe(2)
  })
})
