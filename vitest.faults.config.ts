import { defineConfig } from "vitest/config"
import { silence } from "./test/setup/silence.js"

/** The slow fault suite (`npm run test:faults`): crashes, kills and outages, one file at a time. */
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
    sequence: { concurrent: false },
    silent: silence,
    reporters: ["default"]
  }
})
