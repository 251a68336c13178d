-- The quarantine of the reading writer (docs/RELIABILITY.md, "Quarantine"): readings the database
-- keeps refusing for a reason in the data (SQLSTATE class 22 data exception or 23 integrity
-- constraint violation), set aside so that the readings behind them are not held up. They are
-- written in the same transaction as the rest of their batch and the spool's mark, so a reading
-- is either in `reading` or here, once.

-- One quarantine event: one batch that was refused, and why (the first refusal's reason).
create table quarantine_batch (
  id               bigserial primary key,
  quarantined_at   timestamptz not null,
  -- the spool and the last sequence number of the batch; null when written without a spool
  spool_id         text,
  last_seq         bigint,
  rows_offered     integer not null check (rows_offered >= 0),
  rows_quarantined integer not null check (rows_quarantined >= 0),
  sql_state        text not null,
  reason           text not null
);

create index quarantine_batch_at on quarantine_batch (quarantined_at desc);

-- The refused readings, as they were offered. Deliberately without the checks of `reading`
-- (a row refused there must fit here) and with its own reason: one batch may hold several.
create table reading_quarantine (
  batch_id  bigint not null references quarantine_batch (id),
  ts        timestamptz not null,
  tag_id    integer not null,
  value     double precision,
  quality   bigint not null,
  server_ts timestamptz,
  sql_state text not null,
  reason    text not null
);

create index reading_quarantine_batch on reading_quarantine (batch_id);
