import { ConfigError, Option } from "effect"
import { describe, expect, it } from "vitest"
import { AstriaUnauthorized } from "../../application/ports/Astria.js"
import { StorageUnavailable } from "../../application/ports/StorageUnavailable.js"
import { describeFailure } from "../../runtimes/cli/describeFailure.js"

describe("what the operator is told about a failure", () => {
  it("names every setting that is missing or malformed", () => {
    const error = ConfigError.And(
      ConfigError.MissingData(["ASTRIA_API_KEY"], "Expected ASTRIA_API_KEY to exist"),
      ConfigError.InvalidData(["DATABASE_POOL_SIZE"], "Expected an integer value but received lots")
    )
    const text = Option.getOrThrow(describeFailure(error))
    expect(text).toContain("Setting ASTRIA_API_KEY is missing")
    expect(text).toContain("Setting DATABASE_POOL_SIZE is malformed: Expected an integer value but received lots")
  })

  it("says which system failed, in its own words", () => {
    expect(describeFailure(new StorageUnavailable({ reason: "connection refused" }))).toEqual(Option.some("Database: connection refused"))
    expect(describeFailure(new AstriaUnauthorized({ message: "API key revoked" }))).toEqual(Option.some("Astria: API key revoked"))
  })
})
