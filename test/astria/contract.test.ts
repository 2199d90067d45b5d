import { FetchHttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { TuneId } from "../../domain/ids.js"
import * as InMemoryAstria from "../../adapters/memory/InMemoryAstria.js"
import { AstriaSuiteDriver, astriaSuite } from "../../testing/port-suites/AstriaSuite.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { httpAstriaOverFake } from "../../testing/fakes/astria/wiring.js"

const inMemory = Layer.effect(
  AstriaSuiteDriver,
  Effect.map(InMemoryAstria.InMemoryAstriaControl, (control) => ({
    complete: (tuneId: number) => control.complete(TuneId.make(tuneId)).pipe(Effect.orDie, Effect.asVoid)
  }))
).pipe(Layer.provideMerge(InMemoryAstria.layer()))

const overHttp = Layer.effect(
  AstriaSuiteDriver,
  Effect.map(FakeAstria, (fake) => ({ complete: fake.control.complete }))
).pipe(Layer.provideMerge(httpAstriaOverFake()))

astriaSuite("in memory", inMemory)
astriaSuite("HTTP adapter (fetch) against the fake Astria", overHttp.pipe(Layer.provide(FetchHttpClient.layer)))
astriaSuite("HTTP adapter (node:http) against the fake Astria", overHttp.pipe(Layer.provide(NodeHttpClient.layer)))
