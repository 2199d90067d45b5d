#!/usr/bin/env bash
# Creates (or updates) the Service Bus entities the bot relies on: one topic with duplicate
# detection, and per consumer a session-enabled subscription whose rules select its event types.
# See deploy/service-bus.md. Needs the Azure CLI, logged in; the namespace must be Standard or above.
#
#   RG=<resource group> SB=<namespace> [TOPIC=bot-events] deploy/service-bus/create-entities.sh
set -euo pipefail

: "${RG:?set RG to the resource group}"
: "${SB:?set SB to the Service Bus namespace}"
TOPIC="${TOPIC:-bot-events}"

# What the adapter expects (adapters/service-bus/ServiceBusEntities.ts).
DUPLICATE_DETECTION_WINDOW=PT10M
LOCK_DURATION=PT1M
MAX_DELIVERY_COUNT=10

az servicebus topic create --resource-group "$RG" --namespace-name "$SB" --name "$TOPIC" \
  --enable-duplicate-detection true --duplicate-detection-history-time-window "$DUPLICATE_DETECTION_WINDOW"

# A subscription: its name, then the event types it takes.
subscription() {
  local name="$1"
  shift
  local types
  types="$(printf "'%s'," "$@")"
  types="${types%,}"
  local where=(--resource-group "$RG" --namespace-name "$SB" --topic-name "$TOPIC")
  az servicebus topic subscription create "${where[@]}" --name "$name" \
    --enable-session true --lock-duration "$LOCK_DURATION" --max-delivery-count "$MAX_DELIVERY_COUNT"
  # The default rule takes every message; a second run finds it gone.
  if az servicebus topic subscription rule show "${where[@]}" --subscription-name "$name" --name '$Default' >/dev/null 2>&1; then
    az servicebus topic subscription rule delete "${where[@]}" --subscription-name "$name" --name '$Default'
  fi
  az servicebus topic subscription rule create "${where[@]}" --subscription-name "$name" --name events \
    --filter-sql-expression "sys.Label IN ($types) AND sys.To IS NULL"
  az servicebus topic subscription rule create "${where[@]}" --subscription-name "$name" --name replays \
    --filter-sql-expression "sys.To = '$name'"
}

# The consumers' subscriptions (application/workers/Consumers.ts, botSubscriptions).
subscription conversation UserMessageReceivedEvent ImageProcessedEvent PaymentReceivedEvent TuneCreatedEvent OrderOnHoldEvent \
  PackImagesUpdatedEvent MediaUndeliverableEvent
subscription images PhotoReceivedEvent
subscription training TrainingRequestedEvent LikePromptsRequestedEvent UserErasedEvent
subscription checkout CheckoutRequestedEvent
