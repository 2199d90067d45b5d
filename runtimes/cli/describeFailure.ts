import * as ValidationError from "@effect/cli/ValidationError"
import { ConfigError, Option, Predicate } from "effect"

const settingName = (path: ReadonlyArray<string>): string => path.join("_")

const problems: ConfigError.ConfigErrorReducer<unknown, ReadonlyArray<string>> = {
  andCase: (_, left, right) => [...left, ...right],
  orCase: (_, left, right) => [...left, ...right],
  invalidDataCase: (_, path, message) => [`setting ${settingName(path)} is malformed: ${message}`],
  missingDataCase: (_, path) => [`setting ${settingName(path)} is missing`],
  sourceUnavailableCase: (_, path, message) => [`setting ${settingName(path)} could not be read: ${message}`],
  unsupportedCase: (_, path, message) => [`setting ${settingName(path)} is not supported: ${message}`]
}

const describeConfigError = (error: ConfigError.ConfigError): string => {
  const lines = [...new Set(ConfigError.reduceWithContext(error, undefined, problems))]
  return `${lines.map((line) => line.charAt(0).toUpperCase() + line.slice(1)).join("\n")}\n(settings come from the environment, or from a .env file in the working directory)`
}

const textField = (value: object, key: "message" | "reason"): string | undefined => {
  const field: unknown = Predicate.hasProperty(value, key) ? value[key] : undefined
  return typeof field === "string" && field.length > 0 ? field : undefined
}

/**
 * What to tell the operator about a failed command, on one or a few lines without a stack trace;
 * none for the command line's own parse errors, which @effect/cli has printed already.
 */
export const describeFailure = (error: unknown): Option.Option<string> => {
  if (ValidationError.isValidationError(error)) return Option.none()
  if (ConfigError.isConfigError(error)) return Option.some(describeConfigError(error))
  if (Predicate.isObject(error)) {
    const tag = Predicate.hasProperty(error, "_tag") && typeof error._tag === "string" ? error._tag : undefined
    // A tagged error whose only field is `reason` renders its fields as JSON in `message`.
    const text = textField(error, "reason") ?? textField(error, "message")
    switch (tag) {
      case "StorageUnavailable":
      case "SqlError":
      case "MigrationError":
        return Option.some(`Database: ${text ?? tag}`)
      case "BrokerUnavailable":
        return Option.some(`Event broker: ${text ?? tag}`)
      default:
        if (tag?.startsWith("Astria")) return Option.some(`Astria: ${text ?? tag}`)
        return Option.some(text ?? tag ?? String(error))
    }
  }
  return Option.some(String(error))
}
