import { HttpApiEndpoint, HttpApiGroup, HttpApiMiddleware, HttpApiSchema, HttpApiSecurity, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { TemporarilyUnavailable, Unauthenticated } from "./HttpErrors.js"

/** 503: the operator endpoints are off, since no `ADMIN_TOKEN` is configured. */
export class AdminDisabled extends Schema.TaggedError<AdminDisabled>()(
  "AdminDisabled",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 503 })
) {}

/** The operator's bearer token (`ADMIN_TOKEN`): 401 without it or with another, 503 when none is set. */
export class AdminAuthorization extends HttpApiMiddleware.Tag<AdminAuthorization>()("AdminAuthorization", {
  failure: Schema.Union(Unauthenticated, AdminDisabled),
  security: { bearer: HttpApiSecurity.bearer }
}) {}

/** Prometheus' text exposition format, version 0.0.4. */
export const prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

export class PreviewRebuildAccepted extends Schema.Class<PreviewRebuildAccepted>("PreviewRebuildAccepted")({
  status: Schema.Literal("accepted")
}) {}

/** Operator endpoints. */
export class AdminApi extends HttpApiGroup.make("admin")
  .add(
    HttpApiEndpoint.post("updateImages", "/update-images")
      .addSuccess(PreviewRebuildAccepted, { status: 202 })
      .annotate(
        OpenApi.Description,
        "Renders every pack's previews again (a contact sheet of its sample images per class) and uploads them to WhatsApp; answers at once, the work goes on in the background."
      )
  )
  .add(
    HttpApiEndpoint.get("metrics", "/metrics")
      .addSuccess(HttpApiSchema.Text({ contentType: prometheusContentType }))
      .addError(TemporarilyUnavailable)
      .annotate(
        OpenApi.Description,
        "The bot's metrics in Prometheus' text format: counters of this process, and gauges of the stored state read at the scrape (503 while storage cannot answer)."
      )
  )
  .middleware(AdminAuthorization)
{}
