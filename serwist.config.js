// @ts-check
// The service worker's build (Serwist's configurator mode for Next.js): scripts/build.mjs runs it after
// `next build`, so the precache manifest lists that build's chunks, CSS and public files.
import { readFileSync } from "node:fs"
import { serwist } from "@serwist/next/config"

export default serwist({
  swSrc: "app/sw.ts",
  swDest: "public/sw.js",
  // A prerendered page in the precache would be served before the network: app/sw.ts fetches pages
  // network first and precaches its own app shells, versioned by the build's id.
  precachePrerendered: false,
  esbuildOptions: { define: { "process.env.NEXT_BUILD_ID": JSON.stringify(readFileSync(".next/BUILD_ID", "utf8").trim()) } }
})
