import { execFile } from "node:child_process"
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { entries } from "../../deploy/bundle.js"
import { envExampleSettings, k8sFiles, read, root, yamlDocuments } from "./files.js"

const run = promisify(execFile)

interface Instruction {
  readonly stage: number
  readonly keyword: string
  readonly rest: string
}

/** The Dockerfile's instructions, continuation lines joined, each with the index of its stage. */
const dockerfile: ReadonlyArray<Instruction> = (() => {
  const lines = read("deploy/Dockerfile").replace(/\\\n/g, " ").split("\n")
  let stage = -1
  return lines
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const [keyword = "", ...rest] = line.split(/\s+/)
      if (keyword.toUpperCase() === "FROM") stage += 1
      return { stage, keyword: keyword.toUpperCase(), rest: rest.join(" ") }
    })
})()

const finalStage = Math.max(...dockerfile.map((instruction) => instruction.stage))
const inFinal = (keyword: string) => dockerfile.filter((instruction) => instruction.stage === finalStage && instruction.keyword === keyword)
const StringArray = Schema.parseJson(Schema.Array(Schema.String))

const packageJson = Schema.decodeUnknownSync(
  Schema.parseJson(
    Schema.Struct({
      scripts: Schema.Record({ key: Schema.String, value: Schema.String }),
      dependencies: Schema.Record({ key: Schema.String, value: Schema.String }),
      devDependencies: Schema.Record({ key: Schema.String, value: Schema.String }),
      peerDependencies: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String }))
    })
  )
)

/** A built file exists when its TypeScript source does under a folder tsconfig.build.json compiles. */
const builtFileHasSource = (distPath: string) => {
  // A bundle (deploy/bundle.ts) is built from its entry.
  const bundled = /^dist\/bundle\/(.+)\.mjs$/.exec(distPath)?.[1]
  if (bundled !== undefined) return entries[bundled] !== undefined && existsSync(entries[bundled])
  const source = distPath.replace(/^dist\//, "").replace(/\.js$/, ".ts")
  const included = ["domain", "application", "adapters", "runtimes", "contracts"]
  return included.some((folder) => source.startsWith(`${folder}/`)) && existsSync(join(root, source))
}

describe("the Dockerfile", () => {
  it("builds in one stage and runs in another, as a non-root user, with a health check on /health", () => {
    expect(finalStage).toBeGreaterThanOrEqual(1)
    expect(dockerfile.filter((instruction) => instruction.keyword === "FROM")[0]!.rest).toMatch(/ AS build$/)
    const users = inFinal("USER")
    expect(users.length).toBe(1)
    expect(users[0]!.rest).not.toMatch(/^(root|0)(:|$)/)
    const healthcheck = inFinal("HEALTHCHECK")
    expect(healthcheck.length).toBe(1)
    expect(healthcheck[0]!.rest).toContain("/health")
    // The runtime stage takes node_modules from the build stage, never installs with --omit=dev.
    expect(dockerfile.some((instruction) => instruction.rest.includes("--omit=dev") && instruction.rest.startsWith("npm ci"))).toBe(false)
  })

  it("runs only what exists: the copied paths, the npm scripts, the script files and the built server", () => {
    for (const copy of dockerfile.filter((instruction) => instruction.keyword === "COPY" && !instruction.rest.startsWith("--from"))) {
      const sources = copy.rest.split(/\s+/).slice(0, -1)
      for (const source of sources) expect(existsSync(join(root, source)), source).toBe(true)
    }
    const scripts = packageJson(read("package.json")).scripts
    for (const instruction of dockerfile.filter((candidate) => candidate.keyword === "RUN")) {
      for (const match of instruction.rest.matchAll(/npm run (\S+)/g)) expect(scripts[match[1]!], match[1]).toBeDefined()
      for (const match of instruction.rest.matchAll(/node (\S+\.m?js)/g)) expect(existsSync(join(root, match[1]!)), match[1]).toBe(true)
    }
    const [cmd] = inFinal("CMD")
    const command = Schema.decodeUnknownSync(StringArray)(cmd!.rest)
    expect(command).toEqual(["node", "dist/bundle/http-server.mjs"])
    expect(entries["http-server"]).toBe(join(root, "runtimes/http-server/main.ts"))
    // The health check's one-liner is valid JavaScript.
    const healthcheck = Schema.decodeUnknownSync(StringArray)(inFinal("HEALTHCHECK")[0]!.rest.replace(/^.*?CMD\s+/, ""))
    expect(() => new Function(healthcheck[2]!)).not.toThrow()
  })

  it("does not ignore what it copies", () => {
    const ignored = read("deploy/Dockerfile.dockerignore").split("\n").filter((line) => line !== "" && !line.startsWith("#"))
    for (const copied of ["package.json", "package-lock.json", "assets", "runtimes", "deploy/promote-peer-dependencies.mjs", "deploy/bundle.ts"]) {
      expect(ignored.some((pattern) => copied === pattern || copied.startsWith(`${pattern}/`))).toBe(false)
    }
  })

  it("keeps effect and @effect/* for production: the peers are promoted before the prune", async () => {
    const directory = mkdtempSync(join(tmpdir(), "promote-"))
    copyFileSync(join(root, "package.json"), join(directory, "package.json"))
    await run(process.execPath, [join(root, "deploy/promote-peer-dependencies.mjs"), join(directory, "package.json")])
    const before = packageJson(read("package.json"))
    const after = packageJson(readFileSync(join(directory, "package.json"), "utf8"))
    for (const peer of Object.keys(before.peerDependencies ?? {})) {
      expect(after.dependencies[peer], peer).toBe(before.peerDependencies![peer])
      expect(after.devDependencies[peer], peer).toBeUndefined()
    }
    expect(after.dependencies.effect).toBeDefined()
    expect(after.peerDependencies).toBeUndefined()
  })
})

describe("docker-compose.yml", () => {
  const Compose = Schema.Struct({
    services: Schema.Record({
      key: Schema.String,
      value: Schema.Struct({
        profiles: Schema.optional(Schema.Array(Schema.String)),
        build: Schema.optional(Schema.Struct({ context: Schema.String, dockerfile: Schema.String })),
        image: Schema.String,
        environment: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
        ports: Schema.optional(Schema.Array(Schema.String)),
        depends_on: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Struct({ condition: Schema.String }) })),
        healthcheck: Schema.optional(Schema.Struct({ test: Schema.Array(Schema.String) }, { key: Schema.String, value: Schema.Unknown }))
      }, { key: Schema.String, value: Schema.Unknown })
    })
  }, { key: Schema.String, value: Schema.Unknown })
  const [document] = yamlDocuments("deploy/docker-compose.yml")
  const compose = Schema.decodeUnknownSync(Compose)(document)

  it("runs Postgres and the services by SERVICES on 7070, 7071 and 7073 plus maintenance, as the original", () => {
    expect(compose.services.postgres?.healthcheck?.test).toContain("pg_isready")
    const split = { message: "7070", image: "7071", payment: "7073", maintenance: undefined }
    for (const [name, port] of Object.entries(split)) {
      const service = compose.services[name]
      expect(service?.profiles).toEqual(["split"])
      expect(service?.environment?.SERVICES).toBe(name)
      expect(service?.ports ?? []).toEqual(port === undefined ? [] : [`${port}:${port}`])
      if (port !== undefined) expect(service?.environment?.PORT).toBe(port)
      expect(service?.depends_on?.postgres?.condition).toBe("service_healthy")
    }
    expect(compose.services.bot).toMatchObject({ profiles: ["single"], ports: ["7070:7070"] })
    expect(compose.services.bot?.environment?.SERVICES).toBe("message,image,payment,maintenance")
  })

  it("builds the Dockerfile and sets only settings the bot knows", () => {
    const known = envExampleSettings()
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.build !== undefined) expect(existsSync(join(root, "deploy", service.build.context, service.build.dockerfile)), name).toBe(true)
      if (name === "postgres") continue
      for (const setting of Object.keys(service.environment ?? {})) expect(known.has(setting), `${name}: ${setting}`).toBe(true)
    }
  })
})

describe("the commands the manifests run", () => {
  it("exist in the build: the bundled server and the CLI's maintenance run", async () => {
    const commands = k8sFiles.flatMap((file) => [...read(file).matchAll(/command: (\[.*\])/g)].map((match) => Schema.decodeUnknownSync(StringArray)(match[1]!)))
    expect(commands.length).toBeGreaterThanOrEqual(4)
    for (const [program, script] of commands) {
      expect(program).toBe("node")
      expect(builtFileHasSource(script!), script).toBe(true)
    }
    const maintenance = commands.find((command) => command.includes("maintenance"))!
    // The CLI knows the command (its help for it exits 0), run from the sources the build compiles.
    const { stdout } = await run(process.execPath, ["--import", "tsx", "runtimes/cli/main.ts", ...maintenance.slice(2), "--help"], { cwd: root, timeout: 60_000 })
    expect(stdout).toContain("maintenance")
  }, 90_000)
})
