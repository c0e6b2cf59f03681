/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The hub and storage run in the custom server, never in Next's bundles.
  serverExternalPackages: ["better-sqlite3"]
}

export default nextConfig
