import { afterAll, beforeAll } from "vitest"
import type { Browser, Page } from "playwright-core"
import { removeDataDir, type ServerProcess } from "../../support/server-process"
import { startUiServer } from "./server"
import { closeTab, launchBrowser } from "./browser"

/** What a browser test file shares: one UI server, one browser, and the tabs to close at the end. */
export interface BrowserSuite {
  readonly server: ServerProcess
  readonly browser: Browser
  /** Tabs the tests opened; closed after the file's last test. */
  readonly tabs: Page[]
}

/**
 * Start a UI server and a browser before the file's tests and stop both after them (closing the tabs
 * the tests pushed to `tabs` and removing the server's data folder). Call at the top of a test file.
 */
export function browserSuite(): BrowserSuite {
  let server: ServerProcess | null = null
  let browser: Browser | null = null
  const tabs: Page[] = []
  beforeAll(async () => {
    [server, browser] = await Promise.all([startUiServer(), launchBrowser()])
  })
  afterAll(async () => {
    await Promise.all(tabs.map(closeTab))
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })
  return {
    get server() {
      if (!server) throw new Error("the suite's server is not started yet: use it inside a test")
      return server
    },
    get browser() {
      if (!browser) throw new Error("the suite's browser is not launched yet: use it inside a test")
      return browser
    },
    tabs
  }
}
