import { MetricKeyType, MetricState, Option } from "effect"
import type { MetricPair } from "effect"

const metricName = (name: string) => name.replace(/[^a-zA-Z0-9_:]/g, "_").replace(/^([0-9])/, "_$1")
const labelName = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, "_").replace(/^([0-9])/, "_$1")
const labelValue = (value: string) => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')
const helpText = (text: string) => text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")

const number = (value: number | bigint) =>
  typeof value === "bigint" ? value.toString() : Number.isNaN(value) ? "NaN" : value === Infinity ? "+Inf" : value === -Infinity ? "-Inf" : String(value)

const labels = (pairs: ReadonlyArray<readonly [string, string]>) =>
  pairs.length === 0 ? "" : `{${pairs.map(([key, value]) => `${labelName(key)}="${labelValue(value)}"`).join(",")}}`

interface Family {
  readonly type: "counter" | "gauge" | "histogram" | "summary"
  readonly help: string
  readonly samples: Array<string>
}

/**
 * Every metric of the snapshot in the text format: one family per name (its `# HELP` and
 * `# TYPE` once), one sample per set of tags. A counter that may go down is a gauge there.
 */
export const prometheusText = (snapshot: ReadonlyArray<MetricPair.MetricPair.Untyped>): string => {
  const families = new Map<string, Family>()
  const family = (name: string, type: Family["type"], help: string) => {
    const found = families.get(name)
    if (found !== undefined) return found.samples
    const created: Family = { type, help, samples: [] }
    families.set(name, created)
    return created.samples
  }
  for (const { metricKey, metricState } of snapshot) {
    const name = metricName(metricKey.name)
    const help = Option.getOrElse(metricKey.description, () => metricKey.name)
    const tags = metricKey.tags.map((tag) => [tag.key, tag.value] as const)
    if (MetricState.isCounterState(metricState)) {
      const incremental = MetricKeyType.isCounterKey(metricKey.keyType) && metricKey.keyType.incremental
      family(name, incremental ? "counter" : "gauge", help).push(`${name}${labels(tags)} ${number(metricState.count)}`)
    } else if (MetricState.isGaugeState(metricState)) {
      family(name, "gauge", help).push(`${name}${labels(tags)} ${number(metricState.value)}`)
    } else if (MetricState.isHistogramState(metricState)) {
      const samples = family(name, "histogram", help)
      // Effect's buckets are cumulative already, as Prometheus' are.
      for (const [boundary, count] of metricState.buckets) {
        samples.push(`${name}_bucket${labels([...tags, ["le", number(boundary)]])} ${count}`)
      }
      if (!metricState.buckets.some(([boundary]) => boundary === Infinity)) {
        samples.push(`${name}_bucket${labels([...tags, ["le", "+Inf"]])} ${metricState.count}`)
      }
      samples.push(`${name}_sum${labels(tags)} ${number(metricState.sum)}`, `${name}_count${labels(tags)} ${metricState.count}`)
    } else if (MetricState.isSummaryState(metricState)) {
      const samples = family(name, "summary", help)
      for (const [quantile, value] of metricState.quantiles) {
        samples.push(`${name}${labels([...tags, ["quantile", String(quantile)]])} ${Option.match(value, { onNone: () => "NaN", onSome: number })}`)
      }
      samples.push(`${name}_sum${labels(tags)} ${number(metricState.sum)}`, `${name}_count${labels(tags)} ${metricState.count}`)
    } else if (MetricState.isFrequencyState(metricState)) {
      const samples = family(name, "counter", help)
      for (const [key, count] of metricState.occurrences) samples.push(`${name}${labels([...tags, ["key", key]])} ${count}`)
    }
  }
  return [...families.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, { help, samples, type }]) => [`# HELP ${name} ${helpText(help)}`, `# TYPE ${name} ${type}`, ...samples].join("\n"))
    .join("\n")
    .concat("\n")
}
