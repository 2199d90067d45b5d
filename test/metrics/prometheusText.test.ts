import { describe, expect, it } from "@effect/vitest"
import { Effect, Metric, MetricBoundaries } from "effect"
import { prometheusText } from "../../adapters/http-api/prometheusText.js"

/** The text of only the metrics whose names start with `prefix`, from the process's snapshot. */
const rendered = (prefix: string) =>
  Effect.map(Metric.snapshot, (snapshot) => prometheusText(snapshot.filter((pair) => pair.metricKey.name.startsWith(prefix))))

describe("the Prometheus text format", () => {
  it.effect("writes a family's help and type once, a sample per set of tags, label values escaped", () =>
    Effect.gen(function* () {
      const sent = Metric.counter("text_test_sent_total", { description: "Sent\nmessages", incremental: true })
      yield* Metric.incrementBy(Metric.tagged(sent, "kind", 'a "quoted"\\one'), 2)
      yield* Metric.increment(Metric.tagged(sent, "kind", "plain"))
      yield* Metric.set(Metric.gauge("text_test-depth"), 7)
      // A counter that may go down is a gauge to Prometheus.
      yield* Metric.incrementBy(Metric.counter("text_test_balance"), 3)
      expect(yield* rendered("text_test")).toBe(
        [
          "# HELP text_test_balance text_test_balance",
          "# TYPE text_test_balance gauge",
          "text_test_balance 3",
          "# HELP text_test_depth text_test-depth",
          "# TYPE text_test_depth gauge",
          "text_test_depth 7",
          "# HELP text_test_sent_total Sent\\nmessages",
          "# TYPE text_test_sent_total counter",
          'text_test_sent_total{kind="a \\"quoted\\"\\\\one"} 2',
          'text_test_sent_total{kind="plain"} 1',
          ""
        ].join("\n")
      )
    }))

  it.effect("writes a histogram's cumulative buckets, +Inf included, with its sum and count", () =>
    Effect.gen(function* () {
      const waits = Metric.histogram("histogram_test_wait_seconds", MetricBoundaries.fromIterable([1, 5]))
      yield* Metric.update(waits, 0.5)
      yield* Metric.update(waits, 3)
      yield* Metric.update(waits, 9)
      expect(yield* rendered("histogram_test")).toBe(
        [
          "# HELP histogram_test_wait_seconds histogram_test_wait_seconds",
          "# TYPE histogram_test_wait_seconds histogram",
          'histogram_test_wait_seconds_bucket{le="1"} 1',
          'histogram_test_wait_seconds_bucket{le="5"} 2',
          'histogram_test_wait_seconds_bucket{le="+Inf"} 3',
          "histogram_test_wait_seconds_sum 12.5",
          "histogram_test_wait_seconds_count 3",
          ""
        ].join("\n")
      )
    }))
})
