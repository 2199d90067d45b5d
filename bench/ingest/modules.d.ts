// The two untyped packages the ingest bench uses (no @types for them are installed): only the
// parts it calls, as their documentation describes them.

declare module "pg" {
  export interface QueryResult {
    readonly rows: ReadonlyArray<Record<string, unknown>>
    readonly rowCount: number | null
  }
  export interface PoolClient {
    query(text: string, values?: ReadonlyArray<unknown>): Promise<QueryResult>
    release(error?: Error): void
  }
  export interface PoolConfig {
    readonly connectionString: string
    readonly max?: number
  }
  export class Pool {
    constructor(config: PoolConfig)
    connect(): Promise<PoolClient>
    query(text: string, values?: ReadonlyArray<unknown>): Promise<QueryResult>
    end(): Promise<void>
  }
  const pg: { readonly Pool: typeof Pool }
  export default pg
}

declare module "autocannon" {
  interface Request {
    readonly method?: string
    readonly path?: string
    readonly headers?: Record<string, string>
    readonly body?: string | Buffer
  }
  interface Options {
    readonly url: string
    readonly connections: number
    readonly duration: number
    readonly overallRate?: number
    readonly pipelining?: number
    readonly timeout?: number
    readonly requests: ReadonlyArray<Request & { readonly setupRequest?: (request: Request) => Request }>
  }
  interface Histogram {
    readonly average: number
    readonly p50: number
    readonly p99: number
    readonly max: number
    readonly total: number
  }
  interface Result {
    /** Per-second samples; `total` completed, `sent` sent. */
    readonly requests: Histogram & { readonly sent: number }
    readonly latency: Histogram
    readonly duration: number
    readonly errors: number
    readonly timeouts: number
    readonly non2xx: number
    readonly "2xx": number
  }
  function autocannon(options: Options): Promise<Result>
  export default autocannon
}
