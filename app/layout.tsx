import type { Metadata, Viewport } from "next"
import type { ReactNode } from "react"
import "prosemirror-view/style/prosemirror.css"
import "prosemirror-gapcursor/style/gapcursor.css"
import "./globals.css"
import { ServiceWorkerRegistration } from "./_components/service-worker-registration"

/** Titles and description shared by every page; document pages put the document's title in front. */
export const metadata: Metadata = {
  title: { default: "Concord", template: "%s · Concord" },
  description: "Write together in real time: a collaborative rich-text editor.",
  icons: { icon: "/logo.svg" }
}

/** Phone-friendly viewport; the browser's bar takes the page's background in light and dark mode (globals.css's --bg). */
export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  colorScheme: "light dark",
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#f5f6f8" },
    { media: "(prefers-color-scheme: dark)", color: "#111418" }
  ]
}

/** The root layout: fonts come from the system stack in globals.css, nothing is downloaded; the service worker keeps the app for offline use. */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        {children}
        <ServiceWorkerRegistration />
      </body>
    </html>
  )
}
