/**
 * vitest's `silent` for both configurations: the bot's logs are printed for a failing test only,
 * or for every test when LOG_LEVEL is set.
 */
export const silence = process.env["LOG_LEVEL"] === undefined ? ("passed-only" as const) : false
