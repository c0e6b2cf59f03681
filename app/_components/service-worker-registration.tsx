"use client"

import { useEffect } from "react"

/**
 * Register the service worker (app/sw.ts, built to /sw.js), which keeps the app shell for opening pages
 * without a network. Production builds only, and only where the browser offers service workers (secure
 * contexts: https and localhost).
 */
export function ServiceWorkerRegistration() {
  useEffect(() => {
    if (process.env.NODE_ENV != "production" || !("serviceWorker" in navigator)) return
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(error => console.warn("The app will not open offline: service worker refused", error))
  }, [])
  return null
}
