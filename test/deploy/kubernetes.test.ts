import { existsSync } from "node:fs"
import { join } from "node:path"
import { OpenApi } from "@effect/platform"
import { Either } from "effect"
import { BotApi } from "../../contracts/http/BotApi.js"
import { describe, expect, it } from "vitest"
import { decodeManifest, type Container, type Manifest } from "./KubernetesSubset.js"
import { envExampleSettings, k8sFiles, read, root, settingsReadByTheCode, yamlDocuments } from "./files.js"

const manifests: ReadonlyArray<{ readonly file: string; readonly manifest: Manifest }> = k8sFiles.flatMap((file) =>
  yamlDocuments(file).map((document) => {
    const decoded = decodeManifest(document)
    if (Either.isLeft(decoded)) throw new Error(`${file}: ${decoded.left.message}`)
    return { file, manifest: decoded.right }
  })
)

const ofKind = <K extends Manifest["kind"]>(kind: K) =>
  manifests.map(({ manifest }) => manifest).filter((manifest): manifest is Extract<Manifest, { kind: K }> => manifest.kind === kind)

const deployments = ofKind("Deployment")
const cronJobs = ofKind("CronJob")
const configMaps = ofKind("ConfigMap")
const secrets = ofKind("Secret")

const containersOf = (deployment: (typeof deployments)[number]) => deployment.spec.template.spec.containers

/** Keys listed in a file as `KEY: value` lines, commented or not (optional settings without a default). */
const listedKeys = (file: string) => new Set([...read(file).matchAll(/^\s*#?\s*([A-Z][A-Z0-9_]*):/gm)].map((match) => match[1]!))

describe("the Kubernetes manifests", () => {
  it("parse and match the Kubernetes schema of what they use, with no unknown field", () => {
    expect(k8sFiles.length).toBeGreaterThanOrEqual(6)
    expect(manifests.length).toBeGreaterThanOrEqual(9)
  })

  it("have a Deployment and a Service per service, selecting each other, with probes on /health and /ready", () => {
    const services = ofKind("Service")
    for (const name of ["message", "image", "payment"]) {
      const deployment = deployments.find((candidate) => candidate.spec.template.spec.containers[0].env?.some((env) => env.name === "SERVICES" && env.value === name))
      expect(deployment, `Deployment for ${name}`).toBeDefined()
      expect(deployment!.spec.template.metadata.labels).toMatchObject(deployment!.spec.selector.matchLabels)
      const [container] = containersOf(deployment!)
      const portNames = new Set((container.ports ?? []).flatMap((port) => (port.name === undefined ? [] : [port.name])))
      expect(container.livenessProbe?.httpGet.path).toBe("/health")
      expect(container.readinessProbe?.httpGet.path).toBe("/ready")
      for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
        if (probe !== undefined) expect(portNames.has(String(probe.httpGet.port)) || container.ports?.some((port) => port.containerPort === probe.httpGet.port)).toBe(true)
      }
      const service = services.find((candidate) => Object.entries(candidate.spec.selector).every(([key, value]) => deployment!.spec.template.metadata.labels[key] === value))
      expect(service, `Service for ${name}`).toBeDefined()
      for (const port of service!.spec.ports) expect(portNames.has(String(port.targetPort))).toBe(true)
    }
    expect(services.map((service) => service.spec.ports[0].port).sort()).toEqual([7070, 7071, 7073])
  })

  it("run as non-root, read their settings from the ConfigMap and the Secret that exist", () => {
    const configMapNames = new Set(configMaps.map((configMap) => configMap.metadata.name))
    const secretNames = new Set(secrets.map((secret) => secret.metadata.name))
    const pods = [...deployments.map((deployment) => deployment.spec.template.spec), ...cronJobs.map((job) => job.spec.jobTemplate.spec.template.spec)]
    for (const pod of pods) {
      expect(pod.securityContext?.runAsNonRoot).toBe(true)
      for (const container of pod.containers) {
        for (const source of container.envFrom ?? []) {
          if ("configMapRef" in source) expect(configMapNames.has(source.configMapRef.name)).toBe(true)
          else expect(secretNames.has(source.secretRef.name)).toBe(true)
        }
      }
    }
  })

  it("run maintenance weekly, Wednesdays 04:00 UTC, through the command line", () => {
    expect(cronJobs).toHaveLength(1)
    const job = cronJobs[0]!
    expect(job.spec.schedule).toBe("0 4 * * 3")
    expect(job.spec.timeZone).toBe("Etc/UTC")
    expect(job.spec.concurrencyPolicy).toBe("Forbid")
    const container: Container = job.spec.jobTemplate.spec.template.spec.containers[0]
    expect(container.command).toEqual(["node", "dist/bundle/cli.mjs", "maintenance", "run"])
  })

  it("list every setting the code reads in the ConfigMap or the Secret template", () => {
    const listed = new Set([...listedKeys("deploy/k8s/configmap.yaml"), ...listedKeys("deploy/k8s/secret.example.yaml")])
    const read = [...settingsReadByTheCode()]
    expect(read.length).toBeGreaterThan(40)
    expect(read.filter((name) => !listed.has(name))).toEqual([])
  })

  it("find every setting the code reads in .env.example too", () => {
    const example = envExampleSettings()
    expect([...settingsReadByTheCode()].filter((name) => !example.has(name))).toEqual([])
  })

  it("keep the credentials in the Secret only", () => {
    const secretKeys = new Set(secrets.flatMap((secret) => Object.keys(secret.stringData)))
    for (const credential of ["DATABASE_URL", "WHATSAPP_API_KEY", "WHATSAPP_APP_SECRET", "ASTRIA_API_KEY", "PAYMENT_WEBHOOK_SECRET", "SERVICEBUS_CONNECTION_STRING"]) {
      expect(secretKeys.has(credential)).toBe(true)
      expect(configMaps.some((configMap) => credential in configMap.data)).toBe(false)
    }
  })

  it("publish every route an outside service calls, over TLS, each to the service that handles it", () => {
    const [ingress] = ofKind("Ingress")
    const paths = ingress!.spec.rules.flatMap((rule) => rule.http.paths)
    const routes = paths.map((path) => [path.path, path.backend.service.name] as const)
    expect(Object.fromEntries(routes)).toEqual({
      "/SmsReceived": "bot-message",
      "/pack-tune-received": "bot-image",
      "/payment-received": "bot-payment"
    })
    const serviceNames = new Set(ofKind("Service").map((service) => service.metadata.name))
    for (const [, service] of routes) expect(serviceNames.has(service)).toBe(true)
    // Every POST the API declares is either published or an operator's (admin token, port-forward).
    const posts = Object.entries(OpenApi.fromApi(BotApi).paths).flatMap(([path, item]) => (item.post === undefined ? [] : [path]))
    const operators = ["/update-images"]
    const published = (post: string) =>
      paths.some((path) => (path.pathType === "Exact" ? post === path.path : post === path.path || post.startsWith(`${path.path}/`)))
    const outsiders = posts.filter((path) => !operators.includes(path))
    expect(outsiders.filter((path) => !published(path))).toEqual([])
    for (const [path] of routes) expect(outsiders.some((post) => post === path || post.startsWith(`${path}/`)), path).toBe(true)
    const hosts = ingress!.spec.rules.map((rule) => rule.host)
    expect(ingress!.spec.tls.flatMap((tls) => tls.hosts).sort()).toEqual([...hosts].sort())
  })

  it("keep a webhook pod up through node drains", () => {
    const [budget] = ofKind("PodDisruptionBudget")
    const [autoscaler] = ofKind("HorizontalPodAutoscaler")
    const message = deployments.find((deployment) => deployment.metadata.name === "bot-message")!
    expect(message.spec.template.metadata.labels).toMatchObject(budget!.spec.selector.matchLabels)
    expect(budget!.spec.minAvailable).toBeLessThan(autoscaler!.spec.minReplicas)
  })

  it("scale the webhook service on CPU, the autoscaler alone setting its replica count", () => {
    const autoscalers = ofKind("HorizontalPodAutoscaler")
    expect(autoscalers.map((autoscaler) => autoscaler.spec.scaleTargetRef.name)).toEqual(["bot-message"])
    const [autoscaler] = autoscalers
    const message = deployments.find((deployment) => deployment.metadata.name === autoscaler!.spec.scaleTargetRef.name)!
    expect(autoscaler!.spec.minReplicas).toBeGreaterThanOrEqual(2)
    expect(autoscaler!.spec.maxReplicas).toBeGreaterThan(autoscaler!.spec.minReplicas)
    // `kubectl apply` would reset a replica count the Deployment set, undoing the autoscaler.
    expect(message.spec.replicas).toBeUndefined()
    // CPU utilization is measured against each container's request.
    expect(autoscaler!.spec.metrics.map((metric) => metric.resource.name)).toContain("cpu")
    for (const container of containersOf(message)) expect(container.resources?.requests?.cpu).toBeDefined()
  })

  it("list in the kustomization every manifest but the Secret template", () => {
    const [kustomization] = ofKind("Kustomization")
    for (const resource of kustomization!.resources) expect(existsSync(join(root, "deploy/k8s", resource))).toBe(true)
    expect([...kustomization!.resources, "kustomization.yaml", "secret.example.yaml"].sort()).toEqual(k8sFiles.map((file) => file.replace("deploy/k8s/", "")).sort())
  })
})
