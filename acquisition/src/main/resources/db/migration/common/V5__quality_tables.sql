-- What analytics derives from readings (features, models, verdicts, anomalies, SPC violations) and
-- who may act on it (users, audit). Owned by the analytics and hmi modules; kept with the other
-- migrations so that one Flyway history describes the whole schema.

-- One finished cell's feature vector, per feature-schema version (a schema change adds rows, it
-- never rewrites old ones, so a model is always scored on the schema it was trained on).
create table cell_feature (
  cell_id        text not null,
  schema_version integer not null check (schema_version > 0),
  completed_at   timestamptz not null,  -- end of the cell's last (EOL) process window
  built_at       timestamptz not null,
  features       jsonb not null,        -- {"name": value}; null where a source was missing
  primary key (cell_id, schema_version)
);

create index cell_feature_completed on cell_feature (schema_version, completed_at);

-- The model registry: every trained version is kept; at most one version per kind is active.
create table model (
  id                     bigserial primary key,
  kind                   text not null check (kind in ('ISOLATION_FOREST', 'PCA')),
  version                integer not null check (version > 0),
  feature_schema_version integer not null,
  parameters             jsonb not null,
  train_from             timestamptz,
  train_to               timestamptz,
  training_cells         integer not null,
  threshold              double precision not null,
  metrics                jsonb not null default '{}',
  serialized             bytea not null,
  active                 boolean not null default false,
  created_at             timestamptz not null default now(),
  constraint model_version_once unique (kind, version)
);

create unique index model_one_active on model (kind) where active;

-- A flag raised on a subject (a cell today). Contributions are [{"feature": .., "value": ..}],
-- largest first.
create table anomaly (
  id              bigserial primary key,
  subject_kind    text not null check (subject_kind in ('CELL', 'ROLL', 'LOT', 'TAG')),
  subject_id      text not null,
  model_id        bigint references model (id),
  model_kind      text not null,
  model_version   integer not null,
  detected_at     timestamptz not null,
  score           double precision not null,
  threshold       double precision not null,
  contributions   jsonb not null,
  state           text not null default 'open' check (state in ('open', 'acknowledged')),
  acknowledged_by text,
  acknowledged_at timestamptz,
  comment         text,
  -- scoring a subject again with the same model (a replayed completion) raises no second flag
  constraint anomaly_once unique (subject_kind, subject_id, model_kind, model_version),
  constraint anomaly_ack check ((state = 'open') = (acknowledged_at is null))
);

create index anomaly_open on anomaly (detected_at desc) where state = 'open';
create index anomaly_subject on anomaly (subject_kind, subject_id);

-- The verdict on every scored cell, flagged or not: what the result server and reports show.
create table cell_verdict (
  cell_id       text primary key,
  completed_at  timestamptz not null,
  scored_at     timestamptz not null,
  ok            boolean not null,
  model_kind    text not null,
  model_version integer not null,
  score         double precision not null,
  threshold     double precision not null,
  top_cause     text,
  anomaly_id    bigint references anomaly (id)
);

create index cell_verdict_completed on cell_verdict (completed_at desc);

-- A rule that fired on a tag's reading stream.
create table spc_violation (
  id          bigserial primary key,
  tag_id      integer not null,
  ts          timestamptz not null,   -- source time of the reading that completed the pattern
  rule        text not null,          -- e.g. NELSON_1, WE_2, EWMA, CUSUM_UP
  value       double precision,
  detail      jsonb not null default '{}',
  detected_at timestamptz not null,
  constraint spc_violation_once unique (tag_id, rule, ts)
);

create index spc_violation_tag_ts on spc_violation (tag_id, ts desc);

-- People and systems that log in to the HMI and the result server. Passwords are stored as
-- PBKDF2 hashes ("pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>"), never in clear.
create table app_user (
  name          text primary key check (name <> ''),
  password_hash text not null,
  roles         text[] not null check (roles <@ array['operator', 'engineer', 'admin']::text[]),
  disabled      boolean not null default false,
  created_at    timestamptz not null default now()
);

create table audit_log (
  id      bigserial primary key,
  at      timestamptz not null default now(),
  actor   text not null,          -- user name, or 'system'
  channel text not null,          -- 'hmi', 'api', 'opcua', 'cli'
  action  text not null,          -- e.g. 'anomaly.acknowledge'
  subject text,
  detail  jsonb not null default '{}'
);

create index audit_log_at on audit_log (at desc);
