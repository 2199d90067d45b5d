import { defineConfig } from "vitest/config"
import { silence } from "./test/setup/silence.js"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/faults/**", "node_modules/**", "dist/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    silent: silence,
    reporters: ["default"]
  }
})
