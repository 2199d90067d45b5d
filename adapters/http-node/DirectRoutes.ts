import type { IncomingMessage, ServerResponse } from "node:http"
import { Context } from "effect"
import type { Effect, Scope } from "effect"

/** Takes a request Node received, answering it itself (true), or leaves it to the platform (false). */
export type DirectRoute = (request: IncomingMessage, response: ServerResponse) => boolean

/**
 * Routes the Node server tries before the platform's handler: for a hot endpoint whose common case
 * can skip the platform's per-request machinery (a fiber, middleware, routing), which costs more
 * than the endpoint's own work. A route is tried from when it is added until its scope closes.
 */
export class DirectRoutes extends Context.Tag("whatsapp-astria-bot/DirectRoutes")<
  DirectRoutes,
  { readonly add: (route: DirectRoute) => Effect.Effect<void, never, Scope.Scope> }
>() {}
