import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Deployment } from "kubernetes-models/apps/v1/Deployment"
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler"
import { CronJob } from "kubernetes-models/batch/v1/CronJob"
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress"
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget"
import { ConfigMap } from "kubernetes-models/v1/ConfigMap"
import { Secret } from "kubernetes-models/v1/Secret"
import { Service } from "kubernetes-models/v1/Service"
import { describe, expect, it } from "vitest"
import { parseAllDocuments } from "yaml"

const directory = fileURLToPath(new URL("../../deploy/k8s/", import.meta.url))

/** A kind's model validates itself against the schema, throwing when the manifest breaks it. */
const validatorOf = (Kind: new () => { validate(): void }) => (manifest: unknown): boolean => {
  try {
    Object.assign(new Kind(), manifest).validate()
    return true
  } catch {
    return false
  }
}

/** Each kind we ship, checked with the Kubernetes API's own JSON schema (kubernetes-models). */
const validators: Record<string, (manifest: unknown) => boolean> = {
  "apps/v1/Deployment": validatorOf(Deployment),
  "batch/v1/CronJob": validatorOf(CronJob),
  "v1/ConfigMap": validatorOf(ConfigMap),
  "v1/Secret": validatorOf(Secret),
  "v1/Service": validatorOf(Service),
  "networking.k8s.io/v1/Ingress": validatorOf(Ingress),
  "policy/v1/PodDisruptionBudget": validatorOf(PodDisruptionBudget),
  "autoscaling/v2/HorizontalPodAutoscaler": validatorOf(HorizontalPodAutoscaler)
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
