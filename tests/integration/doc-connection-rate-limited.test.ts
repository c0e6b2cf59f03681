import { describe, expect, it } from "vitest"
import { DocConnection } from "../../lib/client/doc-connection"
import { serverSuite } from "../support/server-suite"
import { TestClient, until } from "../support/test-client"
import { knownLinks } from "../support/link-registry"

// The browser's DocConnection, run in Node against a hub whose submit budget a fast typist exceeds:
// a refusal for being over budget is "retry later", never a reason to reload and drop what was typed.
const suite = serverSuite({ CONCORD_RATE_LIMITS: JSON.stringify({ submit: { connection: { points: 2, seconds: 1 } }, read: { connection: { points: 2, seconds: 1 } } }) })

describe("DocConnection over its submit budget", () => {
  it("keeps every keystroke and reports nothing, sending once the budget allows", async () => {
    suite.closeAtEnd(await TestClient.open(suite.server.url, "budgeted", "creator", true))
    const connection = suite.closeAtEnd(new DocConnection({ docId: "budgeted", token: knownLinks("budgeted").edit, user: { name: "Fast", color: "#2f9e44" }, url: suite.server.url }))
    const changes = (wake: () => void) => connection.subscribe(wake)
    await until(() => connection.status == "online", changes, 10_000, "the connection to join")
    const typed = "abcdef"
    for (const char of typed) {
      const state = connection.state!
      connection.dispatch(state.tr.insertText(char, state.doc.firstChild!.nodeSize - 1))
      await until(() => connection.unconfirmedCount == 0 || connection.issue != null, changes, 20_000, `${char} confirmed`)
    }
    expect(connection.issue).toBeNull()
    expect(connection.status).toBe("online")
    const reader = suite.closeAtEnd(await TestClient.open(suite.server.url, "budgeted", "reader"))
    expect(reader.text).toBe(typed)
  })

  it("answers reads past the read budget once the budget allows, as a history slider dragged fast needs", async () => {
    const connection = suite.closeAtEnd(new DocConnection({ docId: "budgeted", token: knownLinks("budgeted").edit, user: { name: "Reader", color: "#2f9e44" }, url: suite.server.url }))
    await until(() => connection.status == "online", wake => connection.subscribe(wake), 10_000, "the connection to join")
    // Five one-point reads against two points a second: three are refused once, then answered.
    const pages = await Promise.all(Array.from({ length: 5 }, () => connection.fetchHistory(undefined, 1)))
    expect(pages.map(page => page.ops.length)).toEqual([1, 1, 1, 1, 1])
  })
})
