import { HttpApiEndpoint, HttpApiGroup, HttpApiMiddleware, HttpApiSchema, HttpApiSecurity, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Unauthenticated } from "./HttpErrors.js"

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
  .middleware(AdminAuthorization)
{}
