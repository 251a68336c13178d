-- The stations a verdict applies to (the cell's route), so that the result server can show each
-- station's latest verdict again after a restart. Verdicts recorded before this have none.
alter table cell_verdict add column stations text[] not null default '{}';
