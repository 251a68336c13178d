-- Plain PostgreSQL mode (no TimescaleDB).
--
-- A BRIN index on ts rather than declarative partitioning: readings arrive nearly in time order,
-- so a BRIN index is tiny and good for time-range scans, and it needs no partition upkeep.
-- Partitioning would need partitions created ahead of time (source times may run a day or more
-- ahead of the wall clock), a default partition for strays, and a job to create and drop them;
-- that is worth it for retention by DROP PARTITION, which can come later if a plant needs it.
create index reading_ts_brin on reading using brin (ts) with (pages_per_range = 32);

-- Same name and columns as the TimescaleDB continuous aggregate, so queries do not care which
-- mode is in force. Computed on read; the (tag_id, ts desc) index serves per-tag queries.
create view reading_1m as
select date_trunc('minute', ts) as bucket,
       tag_id,
       min(value) as min_value,
       max(value) as max_value,
       avg(value) as avg_value,
       count(*) as sample_count,
       (array_agg(value order by ts desc))[1] as last_value
  from reading
 group by bucket, tag_id;

insert into storage_mode (mode) values ('PLAIN');
