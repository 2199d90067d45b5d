import { SqlClient } from "@effect/sql/SqlClient"
import { Effect } from "effect"

/**
 * Deduplication outlives the history: the ids of the messages seen, as SHA-256 digests (a wamid
 * encodes the sender's number), with when each was first seen, kept as long as Meta may redeliver
 * whatever `HISTORY_RETENTION_DAYS` says. The messages stored so far count as seen now.
 */
export const seenInboundMessages = Effect.flatMap(SqlClient, (sql) =>
  sql.unsafe(`
CREATE TABLE seen_inbound_messages (
  digest bytea PRIMARY KEY,
  seen_at timestamptz NOT NULL
);
CREATE INDEX seen_inbound_messages_seen ON seen_inbound_messages (seen_at);

INSERT INTO seen_inbound_messages (digest, seen_at)
SELECT sha256(convert_to(wamid, 'UTF8')), now() FROM inbound_messages
ON CONFLICT DO NOTHING;
`)
)
