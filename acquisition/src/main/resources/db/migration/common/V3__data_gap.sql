-- Outages of an equipment's OPC UA connection or subscription: what was not observed, from the
-- last value before the outage to the first value after it (both source times).
create table data_gap (
  id          bigserial primary key,
  station     text not null,
  equipment   text not null,
  from_ts     timestamptz not null,
  to_ts       timestamptz not null,
  detected_at timestamptz not null,
  reason      text not null,
  constraint data_gap_order check (to_ts >= from_ts),
  -- one outage starts at one last value: makes recording a gap again idempotent
  constraint data_gap_once unique (station, equipment, from_ts)
);

create index data_gap_station_from on data_gap (station, from_ts);
