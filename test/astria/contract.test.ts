import { FetchHttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { TuneId } from "../../domain/ids.js"
import * as InMemoryAstria from "../../adapters/memory/InMemoryAstria.js"
import { AstriaContractDriver, astriaContract } from "../../runtimes/harness/contracts/AstriaContract.js"
import { FakeAstria } from "../../runtimes/harness/fakes/astria/FakeAstria.js"
import { httpAstriaOverFake } from "../../runtimes/harness/fakes/astria/wiring.js"

const inMemory = Layer.effect(
  AstriaContractDriver,
  Effect.map(InMemoryAstria.InMemoryAstriaControl, (control) => ({
    complete: (tuneId: number) => control.complete(TuneId.make(tuneId)).pipe(Effect.orDie, Effect.asVoid)
  }))
).pipe(Layer.provideMerge(InMemoryAstria.layer()))

const overHttp = Layer.effect(
  AstriaContractDriver,
  Effect.map(FakeAstria, (fake) => ({ complete: fake.control.complete }))
).pipe(Layer.provideMerge(httpAstriaOverFake()))

astriaContract("in memory", inMemory)
astriaContract("HTTP adapter (fetch) against the fake Astria", overHttp.pipe(Layer.provide(FetchHttpClient.layer)))
astriaContract("HTTP adapter (node:http) against the fake Astria", overHttp.pipe(Layer.provide(NodeHttpClient.layer)))
