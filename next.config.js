/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The hub and storage run in the custom server, never in Next's bundles.
  // Yjs too: the pages rendered on the server use the copy the hub has loaded, not a second one (Yjs warns that two break its constructor checks).
  serverExternalPackages: ["better-sqlite3", "yjs"]
}

export default nextConfig
