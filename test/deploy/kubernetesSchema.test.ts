import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Deployment } from "kubernetes-models/apps/v1/Deployment"
import { CronJob } from "kubernetes-models/batch/v1/CronJob"
import { ConfigMap } from "kubernetes-models/v1/ConfigMap"
import { Secret } from "kubernetes-models/v1/Secret"
import { Service } from "kubernetes-models/v1/Service"
import { describe, expect, it } from "vitest"
import { parseAllDocuments } from "yaml"

const directory = fileURLToPath(new URL("../../deploy/k8s/", import.meta.url))

/** Each kind we ship, checked with the Kubernetes API's own JSON schema (kubernetes-models). */
const validators: Record<string, (manifest: Record<string, unknown>) => void> = {
  "apps/v1/Deployment": (manifest) => new Deployment(manifest).validate(),
  "batch/v1/CronJob": (manifest) => new CronJob(manifest).validate(),
  "v1/ConfigMap": (manifest) => new ConfigMap(manifest).validate(),
  "v1/Secret": (manifest) => new Secret(manifest).validate(),
  "v1/Service": (manifest) => new Service(manifest).validate()
}

const manifests = readdirSync(directory)
  .filter((file) => file.endsWith(".yaml") && file !== "kustomization.yaml")
  .flatMap((file) =>
    parseAllDocuments(readFileSync(`${directory}${file}`, "utf8")).map((document) => ({
      file,
      manifest: document.toJSON() as Record<string, unknown>
    }))
  )

describe("the Kubernetes manifests", () => {
  it("are all of a kind we validate", () => {
    expect(manifests.length).toBeGreaterThanOrEqual(8)
    for (const { file, manifest } of manifests) {
      expect(Object.keys(validators), file).toContain(`${String(manifest.apiVersion)}/${String(manifest.kind)}`)
    }
  })

  it.each(manifests.map(({ file, manifest }) => [`${file}: ${String(manifest.kind)} ${JSON.stringify((manifest.metadata as { name?: string } | undefined)?.name)}`, manifest] as const))(
    "%s validates against the Kubernetes schema",
    (_name, manifest) => {
      const validate = validators[`${String(manifest.apiVersion)}/${String(manifest.kind)}`]!
      expect(() => validate(manifest)).not.toThrow()
    }
  )

  it("would catch a manifest that breaks the schema", () => {
    const deployment = manifests.find(({ manifest }) => manifest.kind === "Deployment")!.manifest
    const broken = { ...deployment, spec: { ...(deployment.spec as object), replicas: "two" } }
    expect(() => validators["apps/v1/Deployment"]!(broken)).toThrow()
  })
})
