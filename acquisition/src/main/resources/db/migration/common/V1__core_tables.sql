-- The tables every storage mode shares. Mode-specific DDL for `reading` (hypertable or BRIN)
-- and `reading_1m` lives in db/migration/timescaledb or db/migration/plain, version 2.

create table tag (
  id        serial primary key,
  station   text not null,
  equipment text not null,
  name      text not null,
  node_id   text not null,
  unit      text not null default '',
  lsl       double precision,
  usl       double precision,
  target    double precision,
  constraint tag_key unique (station, equipment, name),
  constraint tag_limits check (lsl is null or usl is null or lsl <= usl)
);

-- No primary key: an OPC UA server may legitimately report two values with one source time,
-- and a hypertable could only have a key that includes ts anyway. No foreign key to tag either:
-- it would cost a lookup per row on the hottest insert path; tag rows are never deleted.
create table reading (
  ts        timestamptz not null,
  tag_id    integer not null,
  value     double precision,
  -- the full OPC UA StatusCode as an unsigned 32-bit value (Good = 0, Bad = 0x80000000..)
  quality   bigint not null constraint reading_quality check (quality between 0 and 4294967295),
  server_ts timestamptz
);

create index reading_tag_ts on reading (tag_id, ts desc);

create table material_lot (
  id         text primary key check (id <> ''),
  first_seen timestamptz not null
);

create table roll (
  id         text primary key check (id <> ''),
  first_seen timestamptz not null
);

create table cell (
  id         text primary key check (id <> ''),
  first_seen timestamptz not null
);

-- Edges parent -> child between units of any kind (lot -> roll, roll -> cell).
create table genealogy (
  parent_kind text not null check (parent_kind in ('LOT', 'ROLL', 'CELL')),
  parent_id   text not null,
  child_kind  text not null check (child_kind in ('LOT', 'ROLL', 'CELL')),
  child_id    text not null,
  linked_at   timestamptz not null,
  constraint genealogy_edge unique (parent_kind, parent_id, child_kind, child_id)
);

create index genealogy_child on genealogy (child_kind, child_id);

-- The time a unit spent in one slot of one equipment: ties readings to units.
create table process_window (
  id        bigserial primary key,
  unit_kind text not null check (unit_kind in ('LOT', 'ROLL', 'CELL')),
  unit_id   text not null check (unit_id <> ''),
  station   text not null,
  equipment text not null,
  slot      text not null,
  start_ts  timestamptz not null,
  end_ts    timestamptz,
  result    text,
  constraint process_window_order check (end_ts is null or end_ts >= start_ts),
  -- makes opening a window idempotent when commands are applied again
  constraint process_window_visit unique (station, equipment, slot, unit_kind, unit_id, start_ts)
);

create index process_window_unit on process_window (unit_kind, unit_id);
create index process_window_station_start on process_window (station, start_ts);
-- At most one unit occupies a slot at a time.
create unique index process_window_open_slot on process_window (station, equipment, slot)
  where end_ts is null;

-- Which storage mode the mode-specific migrations built; read by SchemaMigrator so that a
-- schema built for one mode is never migrated as the other.
create table storage_mode (
  singleton boolean primary key default true check (singleton),
  mode      text not null check (mode in ('PLAIN', 'TIMESCALEDB')),
  chosen_at timestamptz not null default now()
);
