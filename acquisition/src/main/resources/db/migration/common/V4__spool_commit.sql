-- Replay bookkeeping of the disk spool (store.spool.ReadingSpool): per spool, the sequence
-- number of the last batch committed to reading. It is written in the same transaction as the
-- batch's COPY, so a batch replayed after a crash (committed here, not yet checkpointed in the
-- spool's own file) is recognised and skipped: exactly once without a unique key on reading.
create table spool_commit (
  spool_id     text primary key,
  last_seq     bigint not null,
  committed_at timestamptz not null
);
