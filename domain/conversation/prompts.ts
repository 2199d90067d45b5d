import { phrasesFor } from "../catalogue/Catalogue.js"
import {
  askFeedbackMessage,
  picturesMenuMessage,
  textMessage,
  welcomeBackMessage,
  welcomeMessage
} from "../catalogue/messages.js"
import type { OutgoingMessage } from "../messages/OutgoingMessage.js"
import { usableModels } from "./checkout.js"
import type { Conversation } from "./Conversation.js"
import type { DecisionContext } from "./DecisionContext.js"

/** What the current stage asks of the person: shown after anything that did not move them on. */
export const stagePrompt = (context: DecisionContext, conversation: Conversation): ReadonlyArray<OutgoingMessage> => {
  const language = conversation.language
  switch (conversation.stage) {
    case "New":
      return conversation.acceptedPhotos > 0
        ? [
            textMessage(
              phrasesFor(language).photoProgress(conversation.acceptedPhotos, context.settings.photoThreshold)
            )
          ]
        : [welcomeMessage(language)]
    case "PicturesLoaded":
      return [picturesMenuMessage(language, conversation.acceptedPhotos)]
    case "TuneReady":
      return [welcomeBackMessage(language, usableModels(context))]
    case "WritingFeedback":
      return [askFeedbackMessage(language)]
  }
}
