import { HelpDoc, Span } from "@effect/cli"

const setting = (name: string, meaning: string): [Span.Span, HelpDoc.HelpDoc] => [Span.code(name), HelpDoc.p(meaning)]

/** The settings the commands read, under every `--help`: an operator should not need the code. */
export const settingsHelp = HelpDoc.sequence(
  HelpDoc.h1("SETTINGS"),
  HelpDoc.sequence(
    HelpDoc.p("Read from the environment, or from a .env file in the working directory."),
    HelpDoc.descriptionList([
      setting(
        "DATABASE_URL",
        "The bot's Postgres. Unset: the embedded PGlite in PGLITE_DATA_DIR (default .data/pglite), which one process opens at a time, so stop the bot first."
      ),
      setting("DATABASE_POOL_SIZE", "Connections to DATABASE_URL (default 10)."),
      setting("LOG_LEVEL", "Logs on stderr from this level: trace, debug, info (default), warning, error, none."),
      setting("ENVIRONMENT", "production: logs as JSON lines, and Astria's paid branch unless ASTRIA_TEST_MODE says otherwise."),
      setting("ASTRIA_API_KEY", "For `packs sync`, with TIER_LITE_PACKS, TIER_STANDARD_PACKS, TIER_PREMIUM_PACKS (comma lists of slugs)."),
      setting("RECONCILER_GRACE", "For `reconcile`: how long past its ETA an order waits for Astria's callback (default 10 minutes)."),
      setting("HISTORY_RETENTION_DAYS", "For `maintenance run`: days of message history kept (default 14).")
    ])
  )
)
