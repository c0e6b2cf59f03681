/// <reference lib="webworker" />
import { NetworkOnly, Serwist, type PrecacheEntry, type SerwistGlobalConfig } from "serwist"

declare global {
  interface WorkerGlobalScope extends SerwistGlobalConfig {
    /** The precache manifest (the build's chunks, CSS and public files), written in by serwist.config.js. */
    __SW_MANIFEST: (PrecacheEntry | string)[] | undefined
  }
}

declare const self: ServiceWorkerGlobalScope

/**
 * The pages shown when the network does not answer, fetched again with every build. They live at
 * addresses nobody navigates to, as the precache answers its own addresses before the network. The
 * document page renders on the client from the id in the address and the link in the fragment or this
 * browser's storage, so one shell serves every document.
 */
const homeShell = "/?offline-shell"
const documentShell = "/d/offline-shell"

const opens = (request: Request, page: RegExp) => request.mode == "navigate" && page.test(new URL(request.url).pathname)
const isHome = ({ request }: { request: Request }) => opens(request, /^\/$/)
const isDocument = ({ request }: { request: Request }) => opens(request, /^\/d\/[^/]+$/)

// Pages come from the network while it answers within a few seconds, so an online user always gets the
// newest app, and fall back to the app shells. Socket.IO, /healthz, /metrics and everything else no
// route matches go to the network untouched.
const serwist = new Serwist({
  precacheEntries: [
    ...(self.__SW_MANIFEST ?? []),
    ...[homeShell, documentShell].map(url => ({ url, revision: process.env.NEXT_BUILD_ID ?? null }))
  ],
  precacheOptions: { cleanupOutdatedCaches: true },
  skipWaiting: true,
  clientsClaim: true,
  runtimeCaching: [{ matcher: page => isHome(page) || isDocument(page), handler: new NetworkOnly({ networkTimeoutSeconds: 5 }) }],
  fallbacks: {
    entries: [
      { url: homeShell, matcher: isHome },
      { url: documentShell, matcher: isDocument }
    ]
  }
})

// A worker's script the precache answers must keep the address it was asked for: a worker's location is
// its response's address, and the cached response's has no fragment, where the page passes a worker
// its settings (Turbopack's "#params=", without which the storage worker stopped at once on every
// page the service worker served). A response made anew has no address of its own, so the worker
// takes the request's. Registered before Serwist's listener, which it keeps from answering twice.
self.addEventListener("fetch", event => {
  if (event.request.destination != "worker") return
  const answer = serwist.handleRequest({ request: event.request, event })
  if (!answer) return
  event.stopImmediatePropagation()
  event.respondWith(answer.then(response => (response.type == "opaque" ? response : new Response(response.body, response))))
})

serwist.addEventListeners()
