import { Command } from "@effect/cli"
import { group } from "../options.js"
import { usersErase } from "./erase.js"
import { usersList } from "./list.js"
import { usersReset } from "./reset.js"
import { usersShow } from "./show.js"

export const users = group("users", "List, show, reset and erase users", ["list", "show", "reset", "erase"]).pipe(
  Command.withSubcommands([usersList, usersShow, usersReset, usersErase])
)
