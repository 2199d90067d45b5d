import { Array as Arr, Either, Option, ParseResult, Schema, SchemaAST } from "effect"
import { GraphErrorCode } from "../../../contracts/whatsapp/GraphError.js"
import { ParameterValueInvalid, RequiredParameterMissing, type Refusal } from "./errors.js"
import {
  AudioBody,
  DocumentBody,
  ImageBody,
  InteractiveBody,
  MarkReadBody,
  ReactionBody,
  SendMessageBody,
  StickerBody,
  TemplateBody,
  TextBody,
  VideoBody
} from "../../../contracts/whatsapp/Send.js"

/**
 * A send body judged as Meta judges it, answered as Meta answers: one short sentence about the
 * first fault, and a code per kind of fault (Meta's error-code table): 100 for a parameter of the
 * wrong form or out of its bounds, 131008 for a missing one, 131009 for a value WhatsApp's rules
 * refuse, 131051 for a message type the fake does not model (the bot never sends it).
 */

const first = { errors: "first" } as const
/** The contract's body of each message type the bot sends. */
type Decoder = (payload: unknown) => Either.Either<unknown, ParseResult.ParseError>
const decoders: ReadonlyMap<string, Decoder> = new Map<string, Decoder>([
  ["text", Schema.decodeUnknownEither(TextBody, first)],
  ["image", Schema.decodeUnknownEither(ImageBody, first)],
  ["video", Schema.decodeUnknownEither(VideoBody, first)],
  ["audio", Schema.decodeUnknownEither(AudioBody, first)],
  ["sticker", Schema.decodeUnknownEither(StickerBody, first)],
  ["document", Schema.decodeUnknownEither(DocumentBody, first)],
  ["reaction", Schema.decodeUnknownEither(ReactionBody, first)],
  ["interactive", Schema.decodeUnknownEither(InteractiveBody, first)],
  ["template", Schema.decodeUnknownEither(TemplateBody, first)]
])
const interactiveTypes: ReadonlySet<string> = new Set(["button", "list", "cta_url"])
const templateParameterTypes: ReadonlySet<string> = new Set(["text", "payload", "image", "document", "video"])

const JsonObject = Schema.Record({ key: Schema.String, value: Schema.Unknown })
const InteractiveKind = Schema.Struct({ interactive: Schema.Struct({ type: Schema.String }) })
const TemplateParameterKinds = Schema.Struct({
  template: Schema.Struct({ components: Schema.Array(Schema.Struct({ parameters: Schema.Array(Schema.Struct({ type: Schema.String })) })) })
})

const unsupportedType: Refusal = { code: GraphErrorCode.UnsupportedMessageType }

/** Meta's notation for a parameter: `interactive['action']['buttons'][0]`. */
const metaPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((key, index) => (index === 0 ? String(key) : typeof key === "number" ? `[${key}]` : `['${String(key)}']`)).join("")

/** The first fault a decode found, and where. */
const firstFault = (issue: ParseResult.ParseIssue, path: ReadonlyArray<PropertyKey> = []): { readonly issue: ParseResult.ParseIssue; readonly path: ReadonlyArray<PropertyKey> } => {
  switch (issue._tag) {
    case "Pointer":
      return firstFault(issue.issue, [...path, ...Arr.ensure(issue.path)])
    case "Composite":
      return firstFault(Arr.ensure(issue.issues)[0] ?? issue, path)
    case "Refinement":
      return issue.kind === "From" ? firstFault(issue.issue, path) : { issue, path }
    case "Transformation":
      return firstFault(issue.issue, path)
    default:
      return { issue, path }
  }
}

const Bounds = Schema.Struct({
  maxLength: Schema.optional(Schema.Number),
  minLength: Schema.optional(Schema.Number),
  maxItems: Schema.optional(Schema.Number),
  minItems: Schema.optional(Schema.Number),
  pattern: Schema.optional(Schema.String)
})

/** The bound a built-in filter checks, in Meta's words; undefined for the project's own rules. */
const boundSentence = (ast: SchemaAST.AST): string | undefined => {
  const bound = Option.getOrUndefined(Option.flatMap(SchemaAST.getJSONSchemaAnnotation(ast), Schema.decodeUnknownOption(Bounds)))
  if (bound?.maxLength !== undefined) return `must be at most ${bound.maxLength} characters long`
  if (bound?.minLength !== undefined) return `must be at least ${bound.minLength} characters long`
  if (bound?.maxItems !== undefined) return `must have at most ${bound.maxItems} elements`
  if (bound?.minItems !== undefined) return `must have at least ${bound.minItems} elements`
  if (bound?.pattern !== undefined) return "is not in the expected format"
  return undefined
}

const expected = (ast: SchemaAST.AST): string => {
  switch (ast._tag) {
    case "StringKeyword":
      return "must be a string"
    case "NumberKeyword":
      return "must be a number"
    case "BooleanKeyword":
      return "must be a boolean"
    case "Literal":
      return `must be ${JSON.stringify(ast.literal)}`
    case "TypeLiteral":
      return "must be an object"
    case "TupleType":
      return "must be an array"
    default:
      return "is not valid"
  }
}

const refusalOf = (error: ParseResult.ParseError): Refusal => {
  const { issue, path } = firstFault(error.issue)
  const name = metaPath(path)
  if (issue._tag === "Missing") {
    return name === "messaging_product"
      ? { code: GraphErrorCode.InvalidParameter, message: "The parameter messaging_product is required." }
      : { code: RequiredParameterMissing, details: `The parameter ${name} is required.` }
  }
  if (issue._tag === "Refinement") {
    const bound = boundSentence(issue.ast)
    if (bound !== undefined) return { code: GraphErrorCode.InvalidParameter, details: `Param ${name} ${bound}.` }
    return { code: ParameterValueInvalid, details: `Param ${name}: ${ParseResult.TreeFormatter.formatIssueSync(issue).slice(0, 120)}.` }
  }
  return { code: GraphErrorCode.InvalidParameter, details: `Param ${name} ${issue._tag === "Type" ? expected(issue.ast) : "is not valid"}.` }
}

/** A read receipt, or the refusal Meta gives it. */
export const judgeReadReceipt = (payload: unknown) => Either.mapLeft(Schema.decodeUnknownEither(MarkReadBody, first)(payload), refusalOf)

/** A send, or the refusal Meta gives it. */
export const judgeSend = (payload: unknown): Either.Either<SendMessageBody, Refusal> => {
  if (!Schema.is(JsonObject)(payload)) return Either.left({ code: GraphErrorCode.InvalidParameter, details: "The request body must be a JSON object." })
  // Meta's text examples leave `type` out: a message without one is text.
  const body = payload["type"] === undefined ? { ...payload, type: "text" } : payload
  const type = body["type"]
  const decodeMember = typeof type === "string" ? decoders.get(type) : undefined
  if (decodeMember === undefined) return Either.left(unsupportedType)
  const interactive = Schema.decodeUnknownOption(InteractiveKind)(body)
  if (Option.isSome(interactive) && !interactiveTypes.has(interactive.value.interactive.type)) return Either.left(unsupportedType)
  const parameters = Option.map(Schema.decodeUnknownOption(TemplateParameterKinds)(body), (template) =>
    template.template.components.flatMap((component) => component.parameters.map((parameter) => parameter.type))
  )
  if (Option.isSome(parameters) && parameters.value.some((kind) => !templateParameterTypes.has(kind))) return Either.left(unsupportedType)
  return Either.flatMap(Either.mapLeft(decodeMember(body), refusalOf), () =>
    Either.mapLeft(Schema.decodeUnknownEither(SendMessageBody)(body), (): Refusal => ({ code: RequiredParameterMissing, details: "The parameter to is required." }))
  )
}
