import { Data } from "effect"

/**
 * What the bot says, independent of any vendor's wire format. The WhatsApp adapter turns these
 * into Graph API send bodies; the limits of each field are Meta's (see domain/messages/limits.ts).
 */
export interface ReplyButton {
  readonly id: string
  readonly title: string
}

export interface ListRow {
  readonly id: string
  readonly title: string
  readonly description?: string
}

export interface ListSection {
  readonly title: string
  readonly rows: ReadonlyArray<ListRow>
}

/** A media reference: a public link, or an id of media already uploaded to WhatsApp. */
export type MediaRef = Data.TaggedEnum<{
  Link: { readonly url: string }
  Uploaded: { readonly mediaId: string }
}>
export const MediaRef = Data.taggedEnum<MediaRef>()

export type OutgoingMessage = Data.TaggedEnum<{
  Text: { readonly body: string }
  Buttons: {
    readonly body: string
    readonly buttons: ReadonlyArray<ReplyButton>
    readonly header?: string
    readonly footer?: string
  }
  List: {
    readonly body: string
    readonly buttonLabel: string
    readonly sections: ReadonlyArray<ListSection>
    readonly header?: string
    readonly footer?: string
  }
  LinkButton: { readonly body: string; readonly label: string; readonly url: string }
  Image: { readonly media: MediaRef; readonly caption?: string }
  Video: { readonly media: MediaRef; readonly caption?: string }
  Document: { readonly media: MediaRef; readonly filename: string; readonly caption?: string }
  /** An empty `emoji` removes the reaction set on that message. */
  Reaction: { readonly toMessageId: string; readonly emoji: string }
  Template: {
    readonly name: string
    readonly languageCode: string
    readonly bodyParameters: ReadonlyArray<string>
  }
}>
export const OutgoingMessage = Data.taggedEnum<OutgoingMessage>()
