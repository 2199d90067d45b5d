import { Console } from "effect"

export interface Column<A> {
  readonly header: string
  readonly value: (row: A) => string
}

/** Rows as an aligned plain-text table, one line per row; `empty` when there is nothing to show. */
export const renderTable = <A>(rows: ReadonlyArray<A>, columns: ReadonlyArray<Column<A>>, empty: string): string => {
  if (rows.length === 0) return empty
  const cells = rows.map((row) => columns.map((column) => column.value(row).replace(/\s+/g, " ")))
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => [...(line[index] ?? "")].length))
  )
  const line = (values: ReadonlyArray<string>) =>
    values.map((value, index) => value + " ".repeat((widths[index] ?? 0) - [...value].length)).join("  ").trimEnd()
  return [line(columns.map((column) => column.header)), ...cells.map(line)].join("\n")
}

/** Label and value pairs, the labels aligned: the view of a single record. */
export const renderDetails = (pairs: ReadonlyArray<readonly [string, string]>): string => {
  const width = Math.max(...pairs.map(([label]) => label.length))
  return pairs.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join("\n")
}

/** Results go to stdout; logs and errors go to stderr. */
export const printJson = (value: unknown) => Console.log(JSON.stringify(value, null, 2))
