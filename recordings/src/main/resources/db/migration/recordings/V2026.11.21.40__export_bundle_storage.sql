-- Export bundles are kept where every node can serve them (the exports bucket in object storage, else the node's
-- directory) and deleted after ackline.evidence.export.keep-for: the row stays, EXPIRED, with when.
alter table evidence_export drop constraint evidence_export_state_check;
alter table evidence_export add constraint evidence_export_state_check
    check (state in ('QUEUED', 'RUNNING', 'DONE', 'FAILED', 'EXPIRED'));
alter table evidence_export add column bundle_location text;
alter table evidence_export add column bundle_version text;
alter table evidence_export add column expired_at timestamptz;
-- bundles written before: on the building node's disk
update evidence_export set bundle_location = file_path where file_path is not null;
create index evidence_export_expiry_idx on evidence_export (finished_at) where state = 'DONE' or bundle_location is not null;
