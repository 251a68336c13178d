-- TimescaleDB mode. Runs outside a transaction (see the .conf beside this file): a continuous
-- aggregate cannot be created inside one. Tested on TimescaleDB 2.23 (the PGlite build of the
-- timescaledb test lane); written with calls every TimescaleDB 2.x has. docs/OPERATIONS.md
-- lists what this creates and how to check it.
-- Into public, not the first schema of Flyway's search_path (pilotline's own): the extension
-- belongs to the database, and connections find it through search_path "<schema>, public".
create extension if not exists timescaledb with schema public;

select create_hypertable('reading', 'ts',
  chunk_time_interval => interval '1 day',
  if_not_exists => true);

alter table reading set (
  timescaledb.compress,
  timescaledb.compress_segmentby = 'tag_id',
  timescaledb.compress_orderby = 'ts desc');

select add_compression_policy('reading', interval '7 days', if_not_exists => true);

-- Same name and columns as the plain-mode view. Real-time aggregation on, so the newest minute
-- (not yet materialised) is still visible, as it is in plain mode.
create materialized view reading_1m
  with (timescaledb.continuous, timescaledb.materialized_only = false) as
select time_bucket('1 minute', ts) as bucket,
       tag_id,
       min(value) as min_value,
       max(value) as max_value,
       avg(value) as avg_value,
       count(*) as sample_count,
       last(value, ts) as last_value
  from reading
 group by bucket, tag_id
with no data;

select add_continuous_aggregate_policy('reading_1m',
  start_offset => interval '1 day',
  end_offset => interval '1 minute',
  schedule_interval => interval '1 minute',
  if_not_exists => true);

select add_retention_policy('reading', interval '${retention_interval}', if_not_exists => true);

insert into storage_mode (mode) values ('TIMESCALEDB');
