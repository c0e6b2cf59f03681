import { afterAll, afterEach, beforeAll } from "vitest"
import type { Browser, Page } from "playwright-core"
import { removeDataDir, type ServerProcess } from "../../support/server-process"
import { startUiServer } from "./server"
import { closeTab, launchBrowser, openTab, type TabOptions } from "./browser"

/** What a browser test file shares: one UI server, one browser, and the tabs to close at the end. */
export interface BrowserSuite {
  readonly server: ServerProcess
  readonly browser: Browser
  /** Tabs the tests opened; closed after the file's last test. */
  readonly tabs: Page[]
}

/**
 * Start a UI server and a browser before the file's tests and stop both after them (closing the tabs
 * the tests pushed to `tabs` and removing the server's data folder). With `closeTabsAfterEach`, each
 * test's tabs are closed after it. Call at the top of a test file.
 */
export function browserSuite(options: { closeTabsAfterEach?: boolean } = {}): BrowserSuite {
  let server: ServerProcess | null = null
  let browser: Browser | null = null
  const tabs: Page[] = []
  beforeAll(async () => {
    [server, browser] = await Promise.all([startUiServer(), launchBrowser()])
  })
  if (options.closeTabsAfterEach) afterEach(async () => {
    await Promise.all(tabs.splice(0).map(closeTab))
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

/** What a browser test file that starts its own servers shares: one browser, the servers, the tabs to close after each test. */
export interface ServersSuite {
  readonly browser: Browser
  /** Start a UI server for a test (on `dataDir` and `port` to come back after a kill); stopped after the file's last test. */
  start(options?: { dataDir?: string; port?: number }): Promise<ServerProcess>
  /** Open a tab on `docId` of `server` (see openTab), closed after the test. */
  open(server: ServerProcess, docId: string, options?: TabOptions): Promise<Page>
  /** Tabs the tests opened, closed (with their browser contexts) after each test. */
  readonly tabs: Page[]
}

/**
 * Launch a browser before the file's tests and close it after them; each test starts the servers it
 * needs (all stopped at the end, their data folders removed) and its tabs are closed after it. Call at
 * the top of a test file.
 */
export function serversSuite(): ServersSuite {
  let browser: Browser | null = null
  const servers: ServerProcess[] = []
  const tabs: Page[] = []
  beforeAll(async () => {
    browser = await launchBrowser()
  })
  afterEach(async () => {
    await Promise.all(tabs.splice(0).map(tab => closeTab(tab).catch(() => {})))
  })
  afterAll(async () => {
    await browser?.close()
    for (const server of servers) await server.stop()
    for (const dir of new Set(servers.map(server => server.dataDir))) removeDataDir(dir)
  })
  const suite: ServersSuite = {
    get browser() {
      if (!browser) throw new Error("the suite's browser is not launched yet: use it inside a test")
      return browser
    },
    async start(options = {}) {
      const server = await startUiServer(options)
      servers.push(server)
      return server
    },
    async open(server, docId, options = {}) {
      const page = await openTab(suite.browser, server.url, docId, options)
      tabs.push(page)
      return page
    },
    tabs
  }
  return suite
}
