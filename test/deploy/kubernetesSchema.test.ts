import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { validate as deployment } from "kubernetes-models/_schemas/IoK8sApiAppsV1Deployment"
import { validate as cronJob } from "kubernetes-models/_schemas/IoK8sApiBatchV1CronJob"
import { validate as configMap } from "kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap"
import { validate as secret } from "kubernetes-models/_schemas/IoK8sApiCoreV1Secret"
import { validate as service } from "kubernetes-models/_schemas/IoK8sApiCoreV1Service"
import { describe, expect, it } from "vitest"
import { parseAllDocuments } from "yaml"

const directory = fileURLToPath(new URL("../../deploy/k8s/", import.meta.url))

/** Each kind we ship, checked with the Kubernetes API's own JSON schema (kubernetes-models). */
const validators: Record<string, (manifest: unknown) => boolean> = {
  "apps/v1/Deployment": deployment,
  "batch/v1/CronJob": cronJob,
  "v1/ConfigMap": configMap,
  "v1/Secret": secret,
  "v1/Service": service
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
      expect(validate(manifest)).toBe(true)
    }
  )

  it("would catch a manifest that breaks the schema", () => {
    const deployment = manifests.find(({ manifest }) => manifest.kind === "Deployment")!.manifest
    const broken = { ...deployment, spec: { ...(deployment.spec as object), replicas: "two" } }
    expect(validators["apps/v1/Deployment"]!(broken)).toBe(false)
  })
})
