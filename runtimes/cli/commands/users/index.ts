import { Command } from "@effect/cli"
import type { Layer } from "effect"
import type { StoragePorts } from "../../../../application/ports/StoragePorts.js"
import { group } from "../options.js"
import { usersErase } from "./erase.js"
import { usersList } from "./list.js"
import { usersReset } from "./reset.js"
import { usersShow } from "./show.js"

/**
 * `erasing` is the storage with the shared broker where there is one, built together (on Postgres,
 * one pool, so the queue's rows go in the erase's own transaction): the queue holds the person's
 * words too.
 */
export const users = <E>(storage: Layer.Layer<StoragePorts, E>, erasing: Layer.Layer<StoragePorts, E>) =>
  group("users", "List, show, reset and erase users", ["list", "show", "reset", "erase"]).pipe(
    Command.withSubcommands([
      usersList.pipe(Command.provide(storage)),
      usersShow.pipe(Command.provide(storage)),
      usersReset.pipe(Command.provide(storage)),
      usersErase.pipe(Command.provide(erasing))
    ])
  )
