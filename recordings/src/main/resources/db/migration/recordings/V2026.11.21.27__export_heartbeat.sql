-- An export being built says so every few objects; one whose builder went silent (its node died) is built again.
alter table evidence_export add column heartbeat_at timestamptz;
create index evidence_export_open_idx on evidence_export (coalesce(heartbeat_at, created_at)) where state in ('QUEUED', 'RUNNING');
