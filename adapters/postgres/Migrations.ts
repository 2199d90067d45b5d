import * as Migrator from "@effect/sql/Migrator"
import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer, Schedule, Schema } from "effect"
import { seenInboundMessages } from "./migrations/0005_seen_inbound_messages.js"
import { orderStatusAndAttention } from "./migrations/0006_order_status_and_attention.js"
import { paymentsProviderPaymentId } from "./migrations/0007_payments_provider_payment_id.js"
import { previewUploadTimes } from "./migrations/0009_preview_upload_times.js"
import { orderCheckouts } from "./migrations/0010_order_checkouts.js"
import { photoConsent } from "./migrations/0011_photo_consent.js"
import { rateBudgets } from "./migrations/0012_rate_budgets.js"
import { inboundMessagesByUserAndTime } from "./migrations/0014_inbound_messages_by_user_and_time.js"

/**
 * The schema, shipped in code so the published package needs no migration files at run time.
 * Add a new entry for every change; never edit one that has shipped.
 *
 * No foreign keys to `users`: erasing a person is done port by port (payments outlive the user),
 * and each port's rows stand on their own.
 */
const init = Effect.flatMap(SqlClient, (sql) =>
  sql.unsafe(`
CREATE TABLE users (
  id text PRIMARY KEY,
  wa_id text UNIQUE,
  bsuid text UNIQUE,
  profile_name text,
  conversation jsonb,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE inbound_messages (
  wamid text PRIMARY KEY,
  user_id text NOT NULL,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  received_at timestamptz NOT NULL
);
CREATE INDEX inbound_messages_user ON inbound_messages (user_id);
CREATE INDEX inbound_messages_received ON inbound_messages (received_at);

CREATE TABLE outbound_messages (
  id uuid PRIMARY KEY,
  user_id text NOT NULL,
  recipient jsonb NOT NULL,
  message jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'awaiting_window', 'sent', 'delivered', 'read', 'failed')),
  wamid text UNIQUE,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  error_code integer,
  created_at timestamptz NOT NULL,
  next_attempt_at timestamptz NOT NULL,
  status_at timestamptz,
  sequence bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX outbound_messages_user ON outbound_messages (user_id, sequence);
CREATE INDEX outbound_messages_pending ON outbound_messages (user_id, sequence) WHERE status = 'pending';

CREATE TABLE photos (
  id text PRIMARY KEY,
  user_id text NOT NULL,
  source_message_id text NOT NULL UNIQUE,
  bytes bytea NOT NULL,
  hash text NOT NULL,
  width integer NOT NULL,
  height integer NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX photos_user ON photos (user_id, created_at);

CREATE TABLE packs (
  id integer PRIMARY KEY,
  slug text NOT NULL,
  title text NOT NULL,
  tier text NOT NULL,
  cover_url text,
  samples jsonb NOT NULL,
  previews jsonb NOT NULL DEFAULT '{}',
  synced_at timestamptz NOT NULL
);

CREATE TABLE orders (
  id text PRIMARY KEY,
  user_id text NOT NULL,
  pack_id integer NOT NULL,
  tier text NOT NULL,
  amount_minor integer NOT NULL,
  currency text NOT NULL,
  image_count integer NOT NULL,
  class_name text NOT NULL,
  characteristics jsonb NOT NULL,
  reuse_tune_id integer,
  status text NOT NULL CHECK (status IN ('awaiting_payment', 'paid', 'training', 'delivered', 'payment_mismatch')),
  payment_link text NOT NULL,
  tune_id integer,
  callback_token_hash text,
  eta timestamptz,
  created_at timestamptz NOT NULL,
  paid_at timestamptz,
  delivered_at timestamptz
);
CREATE INDEX orders_user ON orders (user_id);
CREATE INDEX orders_open ON orders (status) WHERE status IN ('paid', 'training');

CREATE TABLE tunes (
  id integer PRIMARY KEY,
  user_id text NOT NULL,
  order_id text NOT NULL,
  class_name text NOT NULL,
  title text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz,
  expired boolean NOT NULL DEFAULT false
);
CREATE INDEX tunes_user ON tunes (user_id);

CREATE TABLE generated_images (
  order_id text NOT NULL,
  prompt_id bigint NOT NULL,
  user_id text,
  image_urls jsonb NOT NULL,
  claimed_at timestamptz NOT NULL,
  PRIMARY KEY (order_id, prompt_id)
);
CREATE INDEX generated_images_user ON generated_images (user_id);

CREATE TABLE payments (
  provider text NOT NULL,
  id text NOT NULL,
  order_id text NOT NULL,
  user_ref text,
  amount_minor integer NOT NULL,
  currency text NOT NULL,
  tier text,
  status text NOT NULL,
  outcome text NOT NULL,
  paid_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (provider, id)
);
CREATE INDEX payments_user_ref ON payments (user_ref);

CREATE TABLE ratings (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id text NOT NULL,
  order_id text,
  stars smallint NOT NULL CHECK (stars BETWEEN 1 AND 5),
  at timestamptz NOT NULL
);
CREATE INDEX ratings_user ON ratings (user_id);

CREATE TABLE feedback (
  id uuid PRIMARY KEY,
  user_id text NOT NULL,
  order_id text,
  text text NOT NULL,
  at timestamptz NOT NULL,
  handled boolean NOT NULL DEFAULT false
);
CREATE INDEX feedback_user ON feedback (user_id);

CREATE TABLE outbox (
  id uuid PRIMARY KEY,
  event_type text NOT NULL,
  key text NOT NULL,
  body text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  published_at timestamptz,
  last_error text,
  created_at timestamptz NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX outbox_due ON outbox (created_at, seq) WHERE published_at IS NULL;
CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;

CREATE TABLE inbox (
  consumer text NOT NULL,
  message_id text NOT NULL,
  handled_at timestamptz NOT NULL,
  PRIMARY KEY (consumer, message_id)
);
`)
)

/** Events a Functions trigger could never handle, recorded before the message is completed. */
const failedEvents = Effect.flatMap(SqlClient, (sql) =>
  sql.unsafe(`
CREATE TABLE failed_events (
  consumer text NOT NULL,
  message_id text NOT NULL,
  event_type text NOT NULL,
  key text NOT NULL,
  reason text NOT NULL,
  body text NOT NULL,
  failed_at timestamptz NOT NULL,
  PRIMARY KEY (consumer, message_id)
);
CREATE INDEX failed_events_key ON failed_events (key);
`)
)

/**
 * The webhook stores a message before anyone resolves its sender (the conversation does): a
 * message from someone new has no user yet.
 */
const unattributedMessages = Effect.flatMap(SqlClient, (sql) =>
  sql.unsafe(`ALTER TABLE inbound_messages ALTER COLUMN user_id DROP NOT NULL;`)
)

/**
 * The Postgres event broker's queue: one row per message and subscription. A row is `queued`
 * until its consumer settles it: `done` (kept for the duplicate detection window, then deleted)
 * or `dead` (a dead letter, until replayed). A queued row with `leased_until` in the future is
 * being handled; `seq` orders a key's rows (a replayed dead letter takes a new one).
 */
const eventQueue = Effect.flatMap(SqlClient, (sql) =>
  sql.unsafe(`
CREATE TABLE event_deliveries (
  subscription text NOT NULL,
  message_id text NOT NULL,
  key text NOT NULL,
  event_type text NOT NULL,
  body text NOT NULL,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'done', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  available_at timestamptz NOT NULL DEFAULT now(),
  leased_until timestamptz,
  lease_token uuid,
  last_error text,
  published_at timestamptz NOT NULL DEFAULT now(),
  settled_at timestamptz,
  seq bigint GENERATED BY DEFAULT AS IDENTITY,
  PRIMARY KEY (subscription, message_id)
);
CREATE INDEX event_deliveries_queued ON event_deliveries (subscription, seq) WHERE state = 'queued';
CREATE INDEX event_deliveries_key ON event_deliveries (subscription, key, seq) WHERE state = 'queued';
CREATE INDEX event_deliveries_done ON event_deliveries (subscription, settled_at) WHERE state = 'done';
`)
)

export const migrations = {
  "0001_init": init,
  "0002_failed_events": failedEvents,
  "0003_unattributed_messages": unattributedMessages,
  "0004_event_queue": eventQueue,
  "0005_seen_inbound_messages": seenInboundMessages,
  "0006_order_status_and_attention": orderStatusAndAttention,
  "0007_payments_provider_payment_id": paymentsProviderPaymentId,
  "0009_preview_upload_times": previewUploadTimes,
  "0010_order_checkouts": orderCheckouts,
  "0011_photo_consent": photoConsent,
  "0012_rate_budgets": rateBudgets,
  "0014_inbound_messages_by_user_and_time": inboundMessagesByUserAndTime
}

/**
 * Migrations are additive, so that a rolling deploy can run the previous version beside the new
 * schema: tables, columns, indexes and looser constraints only. A migration that takes something
 * away or tightens it (drops or renames a table or column, changes a type, adds NOT NULL or a CHECK
 * to existing rows) is a contract step and must be listed here with why it is safe: normally the
 * contract of an earlier expand, once no running version needs the old shape. A test compares the
 * schema before and after each migration and refuses an unlisted one.
 */
export const contractSteps: Readonly<Record<string, string>> = {
  "0006_order_status_and_attention":
    "renames the order statuses to the domain's names and rewrites the rows; no release ran the old names in production. " +
    "Stop every process of the previous version before deploying it"
}

/** The id of the newest migration, which readiness expects to find applied. */
export const latestMigrationId = Math.max(...Object.keys(migrations).map((key) => Number.parseInt(key, 10)))

export const migrationsTable = "effect_sql_migrations"

const migrate = Migrator.make({})({ loader: Migrator.fromRecord(migrations), table: migrationsTable })

const decodeLatest = Schema.decodeUnknown(Schema.Array(Schema.Struct({ latest: Schema.NullOr(Schema.Int) })))

/** The id of the newest migration applied to the database (0 when none is); fails while it has no migrations table. */
export const latestAppliedMigrationId = Effect.flatMap(SqlClient, (sql) =>
  sql`SELECT max(migration_id)::int AS latest FROM ${sql(migrationsTable)}`.pipe(
    Effect.flatMap(decodeLatest),
    Effect.map(([row]) => row?.latest ?? 0)
  )
)

/**
 * Runs the migrations at start. Once the migrations table exists the migrator locks it, but on
 * the very first start two processes race to create it and one fails: retry, and the loser then
 * finds the work done. When the database already holds every migration shipped here (or newer
 * ones), the migrator would find nothing to run; one read says so without its table check,
 * transaction and exclusive lock (bench/cold-start: a tenth of the first invocation's CPU);
 * anything else, a missing table included, is the migrator's to decide.
 */
export const MigrationsLive = Layer.effectDiscard(
  Effect.unlessEffect(
    migrate.pipe(Effect.retry(Schedule.exponential("100 millis").pipe(Schedule.intersect(Schedule.recurs(5))))),
    latestAppliedMigrationId.pipe(
      Effect.map((latest) => latest >= latestMigrationId),
      Effect.orElseSucceed(() => false)
    )
  )
)
