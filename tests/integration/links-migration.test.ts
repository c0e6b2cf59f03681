import { mkdtempSync, readFileSync, readdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { io } from "socket.io-client"
import type { JoinResult, Reply } from "../../lib/protocol"
import { removeDataDir, startServerProcess, type ServerProcess } from "../support/server-process"
import { testSecret } from "../support/test-client"
import { databaseBefore } from "../support/old-database"

// A server started on a database from before links: its documents keep working, through the links
// the migration gave them, whose tokens it wrote once beside the database.

let server: ServerProcess | null = null
let dataDir = ""

afterEach(async () => {
  await server?.stop()
  server = null
  removeDataDir(dataDir)
})

describe("upgrading a database from before links", () => {
  it("opens each existing document with the owner, edit and view tokens written to the links file, and names that file in a warning", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "concord-links-migration-"))
    const old = databaseBefore(join(dataDir, "concord.db"), 7)
    old.prepare("INSERT INTO documents VALUES ('before-links', 'ot', 1, 0)").run()
    old.prepare("INSERT INTO snapshots VALUES ('before-links', 0, ?)").run(JSON.stringify({ type: "doc", content: [{ type: "paragraph", attrs: { id: "p0" } }] }))
    old.close()

    server = await startServerProcess({ dataDir })
    const [written] = readdirSync(dataDir).filter(name => name.startsWith("links-"))
    const warning = server.stderr().split("\n").filter(line => line.includes('"links-written"')).map(line => JSON.parse(line))
    expect(warning).toEqual([expect.objectContaining({ level: "warn", msg: "links-written", file: join(dataDir, written) })])
    const [line] = readFileSync(join(dataDir, written), "utf8").trim().split("\n")
    const tokens = Object.fromEntries(line.split(" ").slice(1).map(pair => pair.split("=")))
    expect(line.split(" ")[0]).toBe("before-links")
    const socket = io(server.url, { transports: ["websocket"], forceNew: true, reconnection: false })
    try {
      for (const role of ["owner", "edit", "view"]) {
        const reply: Reply<JoinResult> = await socket.emitWithAck("join", { docId: "before-links", clientId: `as-${role}`, secret: testSecret(`as-${role}`), token: tokens[role], version: null, user: { name: "Old", color: "#123456" } })
        expect(reply.ok && [reply.value.role, reply.value.version]).toEqual([role, 0])
      }
    } finally {
      socket.close()
    }
  })
})
