import { Schema } from "effect"

/**
 * The part of the Kubernetes API schema (v1.30) that our manifests use, strict: a misspelt or
 * misplaced field fails instead of being ignored, as `kubectl apply --validate=strict` would.
 * Stands in until the Kubernetes JSON schemas are a dev dependency (see the report of issue 9).
 */
const strict = <Fields extends Schema.Struct.Fields>(fields: Fields) =>
  Schema.Struct(fields).annotations({ parseOptions: { onExcessProperty: "error" } })

/** Decodes one parsed document; any field the subset does not know is an error. */
export const decodeManifest = (document: unknown) =>
  Schema.decodeUnknownEither(Manifest, { onExcessProperty: "error", errors: "all" })(document)

const dnsLabel = Schema.String.pipe(Schema.pattern(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/), Schema.maxLength(63))
const labels = Schema.Record({ key: Schema.String.pipe(Schema.pattern(/^([a-z0-9.-]+\/)?[A-Za-z0-9._-]+$/)), value: Schema.String })
const quantity = Schema.String.pipe(Schema.pattern(/^\d+(\.\d+)?(m|Mi|Gi|Ki)?$/))

const ObjectMeta = strict({ name: dnsLabel, labels: Schema.optional(labels), namespace: Schema.optional(dnsLabel) })

const HttpProbe = strict({
  httpGet: strict({ path: Schema.String.pipe(Schema.startsWith("/")), port: Schema.Union(Schema.String, Schema.Int) }),
  initialDelaySeconds: Schema.optional(Schema.Int),
  periodSeconds: Schema.optional(Schema.Int),
  timeoutSeconds: Schema.optional(Schema.Int),
  failureThreshold: Schema.optional(Schema.Int)
})

const Container = strict({
  name: dnsLabel,
  image: Schema.NonEmptyString,
  command: Schema.optional(Schema.Array(Schema.String)),
  args: Schema.optional(Schema.Array(Schema.String)),
  envFrom: Schema.optional(
    Schema.Array(
      Schema.Union(strict({ configMapRef: strict({ name: dnsLabel }) }), strict({ secretRef: strict({ name: dnsLabel }) }))
    )
  ),
  env: Schema.optional(Schema.Array(strict({ name: Schema.String.pipe(Schema.pattern(/^[A-Z_][A-Z0-9_]*$/)), value: Schema.String }))),
  ports: Schema.optional(Schema.Array(strict({ name: Schema.optional(dnsLabel), containerPort: Schema.Int }))),
  startupProbe: Schema.optional(HttpProbe),
  livenessProbe: Schema.optional(HttpProbe),
  readinessProbe: Schema.optional(HttpProbe),
  resources: Schema.optional(
    strict({
      requests: Schema.optional(strict({ cpu: Schema.optional(quantity), memory: Schema.optional(quantity) })),
      limits: Schema.optional(strict({ cpu: Schema.optional(quantity), memory: Schema.optional(quantity) }))
    })
  ),
  securityContext: Schema.optional(
    strict({
      allowPrivilegeEscalation: Schema.optional(Schema.Boolean),
      readOnlyRootFilesystem: Schema.optional(Schema.Boolean),
      capabilities: Schema.optional(strict({ drop: Schema.optional(Schema.Array(Schema.String)) }))
    })
  ),
  volumeMounts: Schema.optional(Schema.Array(strict({ name: dnsLabel, mountPath: Schema.String.pipe(Schema.startsWith("/")) })))
})
export type Container = typeof Container.Type

const PodSpec = strict({
  restartPolicy: Schema.optional(Schema.Literal("Always", "OnFailure", "Never")),
  securityContext: Schema.optional(
    strict({
      runAsNonRoot: Schema.optional(Schema.Boolean),
      runAsUser: Schema.optional(Schema.Int),
      runAsGroup: Schema.optional(Schema.Int),
      seccompProfile: Schema.optional(strict({ type: Schema.Literal("RuntimeDefault", "Localhost", "Unconfined") }))
    })
  ),
  containers: Schema.NonEmptyArray(Container),
  volumes: Schema.optional(Schema.Array(strict({ name: dnsLabel, emptyDir: strict({}) })))
})

const PodTemplate = strict({ metadata: strict({ labels }), spec: PodSpec })

export const Deployment = strict({
  apiVersion: Schema.Literal("apps/v1"),
  kind: Schema.Literal("Deployment"),
  metadata: ObjectMeta,
  spec: strict({ replicas: Schema.optional(Schema.Int), selector: strict({ matchLabels: labels }), template: PodTemplate })
})

export const Service = strict({
  apiVersion: Schema.Literal("v1"),
  kind: Schema.Literal("Service"),
  metadata: ObjectMeta,
  spec: strict({
    selector: labels,
    ports: Schema.NonEmptyArray(strict({ name: Schema.optional(dnsLabel), port: Schema.Int, targetPort: Schema.Union(Schema.String, Schema.Int) }))
  })
})

export const ConfigMap = strict({
  apiVersion: Schema.Literal("v1"),
  kind: Schema.Literal("ConfigMap"),
  metadata: ObjectMeta,
  data: Schema.Record({ key: Schema.String.pipe(Schema.pattern(/^[-._a-zA-Z0-9]+$/)), value: Schema.String })
})

export const Secret = strict({
  apiVersion: Schema.Literal("v1"),
  kind: Schema.Literal("Secret"),
  metadata: ObjectMeta,
  type: Schema.Literal("Opaque"),
  stringData: Schema.Record({ key: Schema.String.pipe(Schema.pattern(/^[-._a-zA-Z0-9]+$/)), value: Schema.String })
})

const cron = Schema.String.pipe(Schema.pattern(/^(\S+\s+){4}\S+$/))

export const CronJob = strict({
  apiVersion: Schema.Literal("batch/v1"),
  kind: Schema.Literal("CronJob"),
  metadata: ObjectMeta,
  spec: strict({
    schedule: cron,
    timeZone: Schema.optional(Schema.String),
    concurrencyPolicy: Schema.optional(Schema.Literal("Allow", "Forbid", "Replace")),
    startingDeadlineSeconds: Schema.optional(Schema.Int),
    successfulJobsHistoryLimit: Schema.optional(Schema.Int),
    failedJobsHistoryLimit: Schema.optional(Schema.Int),
    jobTemplate: strict({
      spec: strict({
        backoffLimit: Schema.optional(Schema.Int),
        activeDeadlineSeconds: Schema.optional(Schema.Int),
        template: PodTemplate
      })
    })
  })
})

export const Kustomization = strict({
  apiVersion: Schema.Literal("kustomize.config.k8s.io/v1beta1"),
  kind: Schema.Literal("Kustomization"),
  resources: Schema.Array(Schema.String)
})

const ServiceBackend = strict({
  service: strict({ name: dnsLabel, port: Schema.Union(strict({ name: dnsLabel }), strict({ number: Schema.Int })) })
})

export const Ingress = strict({
  apiVersion: Schema.Literal("networking.k8s.io/v1"),
  kind: Schema.Literal("Ingress"),
  metadata: ObjectMeta,
  spec: strict({
    tls: Schema.Array(strict({ hosts: Schema.Array(Schema.String), secretName: dnsLabel })),
    rules: Schema.Array(
      strict({
        host: Schema.String,
        http: strict({
          paths: Schema.Array(
            strict({
              path: Schema.String.pipe(Schema.startsWith("/")),
              pathType: Schema.Literal("Exact", "Prefix", "ImplementationSpecific"),
              backend: ServiceBackend
            })
          )
        })
      })
    )
  })
})

export const PodDisruptionBudget = strict({
  apiVersion: Schema.Literal("policy/v1"),
  kind: Schema.Literal("PodDisruptionBudget"),
  metadata: ObjectMeta,
  spec: strict({ minAvailable: Schema.Int, selector: strict({ matchLabels: labels }) })
})

export const HorizontalPodAutoscaler = strict({
  apiVersion: Schema.Literal("autoscaling/v2"),
  kind: Schema.Literal("HorizontalPodAutoscaler"),
  metadata: ObjectMeta,
  spec: strict({
    scaleTargetRef: strict({ apiVersion: Schema.Literal("apps/v1"), kind: Schema.Literal("Deployment"), name: dnsLabel }),
    minReplicas: Schema.Int,
    maxReplicas: Schema.Int,
    metrics: Schema.Array(
      strict({
        type: Schema.Literal("Resource"),
        resource: strict({
          name: Schema.Literal("cpu", "memory"),
          target: strict({ type: Schema.Literal("Utilization"), averageUtilization: Schema.Int })
        })
      })
    ),
    behavior: Schema.optional(
      strict({ scaleDown: Schema.optional(strict({ stabilizationWindowSeconds: Schema.optional(Schema.Int) })) })
    )
  })
})

export const Manifest = Schema.Union(Deployment, Service, ConfigMap, Secret, CronJob, Kustomization, Ingress, PodDisruptionBudget, HorizontalPodAutoscaler)
export type Manifest = typeof Manifest.Type
