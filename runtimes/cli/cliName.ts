/** The command's name, as npm installs it (`npx whatsapp-astria-bot`). */
export const cliName = "whatsapp-astria-bot"
