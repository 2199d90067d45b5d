import { Config, ConfigError, Either, Option, Redacted } from "effect"

/**
 * A setting as an operator means it: a value left empty (`NAME=` in a `.env` file or a manifest)
 * is no value at all, never an empty secret that signs or verifies anything.
 */
export const setting = (name: string): Config.Config<Option.Option<string>> =>
  Config.option(Config.string(name)).pipe(
    Config.map(Option.filterMap((value) => (value.trim() === "" ? Option.none() : Option.some(value.trim()))))
  )

/** A required secret: missing or empty stops the start, naming it; held redacted. */
export const secret = (name: string): Config.Config<Redacted.Redacted<string>> =>
  Config.string(name).pipe(
    Config.mapOrFail((value) =>
      value.trim() === ""
        ? Either.left(ConfigError.MissingData([name], `${name} is set but empty`))
        : Either.right(Redacted.make(value.trim()))
    )
  )

/** An optional secret: empty is the same as unset. */
export const optionalSecret = (name: string): Config.Config<Option.Option<Redacted.Redacted<string>>> =>
  setting(name).pipe(Config.map(Option.map(Redacted.make)))

/** A required setting: missing or blank stops the start, naming it. */
export const required = (name: string): Config.Config<string> => secret(name).pipe(Config.map(Redacted.value))
