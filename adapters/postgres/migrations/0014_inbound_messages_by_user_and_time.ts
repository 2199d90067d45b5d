import { SqlClient } from "@effect/sql/SqlClient"
import { Effect } from "effect"

/**
 * A person's latest messages, read for every text they send (is this person flooding?), come
 * from the index in order instead of sorting all their history; a flood writes thousands of rows
 * for one person.
 */
export const inboundMessagesByUserAndTime = Effect.flatMap(SqlClient, (sql) =>
  sql.unsafe(`CREATE INDEX inbound_messages_user_received ON inbound_messages (user_id, received_at DESC, wamid);`)
)
