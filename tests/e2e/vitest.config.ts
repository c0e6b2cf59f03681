import { defineConfig } from "vitest/config"

// Browser tests: real server processes with Next, Debian's Chromium driven by playwright-core.
export default defineConfig({
  test: {
    include: ["tests/e2e/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false
  }
})
