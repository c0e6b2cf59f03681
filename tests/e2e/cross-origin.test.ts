import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Page } from "playwright-core"
import { browserSuite } from "./support/suite"
import { waitForOnline } from "./support/browser"
import { createTestDocument } from "./support/document-links"

// Cross-site WebSocket hijacking: a page served from another origin cannot open a socket to the hub,
// by WebSocket or by polling, while the same script on the app's own page can; and the app's pages
// carry the security headers and run under their Content-Security-Policy without a violation.
const suite = browserSuite()

/** In the page: a raw engine.io WebSocket and a polling handshake to `hub`; "open"/"refused" and the status seen. */
async function tryHub(page: Page, hub: string): Promise<{ webSocket: string; polling: string }> {
  return page.evaluate(async hub => {
    const webSocket = await new Promise<string>(resolve => {
      const socket = new WebSocket(hub.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket")
      socket.onopen = () => { socket.close(); resolve("open") }
      socket.onerror = () => resolve("refused")
    })
    const polling = await fetch(hub + "/socket.io/?EIO=4&transport=polling").then(response => `status ${response.status}`, () => "refused")
    return { webSocket, polling }
  }, hub)
}

let elsewhere: Server
let elsewhereUrl: string

beforeAll(async () => {
  elsewhere = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html" })
    response.end("<!doctype html><title>elsewhere</title><p>another origin")
  })
  await new Promise<void>(resolve => elsewhere.listen(0, "127.0.0.1", resolve))
  elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise(resolve => elsewhere.close(resolve))
})

describe("origins", () => {
  it("refuses a page from another origin, by WebSocket and by polling, and accepts the app's own page", async () => {
    const context = await suite.browser.newContext()
    const page = await context.newPage()
    suite.tabs.push(page)
    // Why the WebSocket failed, as the browser saw it (the page itself only learns that it did).
    const handshakeErrors: string[] = []
    page.on("websocket", socket => socket.on("socketerror", error => handshakeErrors.push(error)))
    await page.goto(elsewhereUrl)
    // The WebSocket is the hijacking vector (no CORS applies to it); the polling fetch fails here for
    // CORS too, and tests/integration/origin-check.test.ts checks that the hub itself refuses it (403).
    expect(await tryHub(page, suite.server.url)).toEqual({ webSocket: "refused", polling: "refused" })
    expect(handshakeErrors.join(" ")).toMatch(/400/)

    await page.goto(suite.server.url + "/")
    expect(await tryHub(page, suite.server.url)).toEqual({ webSocket: "open", polling: "status 200" })
  })
})

describe("security headers", () => {
  it("are on the app's pages, and the editor works under the policy", async () => {
    const response = await fetch(suite.server.url + "/")
    expect(response.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/)
    expect(response.headers.get("content-security-policy")).toMatch(/default-src 'self'/)
    expect(response.headers.get("referrer-policy")).toBe("no-referrer")
    expect(response.headers.get("x-content-type-options")).toBe("nosniff")
    expect(response.headers.get("cross-origin-opener-policy")).toBe("same-origin")
    expect(response.headers.get("cross-origin-embedder-policy")).toBe("require-corp")

    const violations: string[] = []
    const context = await suite.browser.newContext({ baseURL: suite.server.url })
    await context.exposeFunction("reportViolation", (text: string) => void violations.push(text))
    await context.addInitScript(() => document.addEventListener("securitypolicyviolation", event =>
      void (window as unknown as { reportViolation(text: string): void }).reportViolation(`${event.violatedDirective} ${event.blockedURI}`)))
    const page = await context.newPage()
    suite.tabs.push(page)
    page.on("console", message => { if (/Content Security Policy/i.test(message.text())) violations.push(message.text()) })
    const docId = `csp-${Date.now()}`
    await page.goto(`/d/${docId}#${(await createTestDocument(suite.server.url, docId)).owner}`)
    await waitForOnline(page)
    await page.getByTestId("editor").locator(".ProseMirror").click()
    await page.keyboard.type("typed under the policy")
    await page.waitForFunction(() => document.querySelector(".ProseMirror")?.textContent?.includes("typed under the policy"))
    // Cross-origin isolated, so the page shares its write ring with the storage worker.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true)
    await page.reload()
    await page.waitForFunction(() => document.querySelector(".ProseMirror")?.textContent?.includes("typed under the policy"), undefined, { timeout: 30_000 })
    expect(violations).toEqual([])
  })
})
