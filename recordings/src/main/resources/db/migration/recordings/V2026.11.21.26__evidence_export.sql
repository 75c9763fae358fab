-- Export bundles: requested through the API, built in the background into a zip on the node's disk.
create table evidence_export (
    id             uuid        primary key,
    state          text        not null check (state in ('QUEUED', 'RUNNING', 'DONE', 'FAILED')),
    client_id      text,
    notice_id      uuid,
    task_id        uuid,
    requested_by   text        not null,
    created_at     timestamptz not null,
    started_at     timestamptz,
    finished_at    timestamptz,
    total          integer,
    done           integer     not null default 0,
    file_path      text,
    bundle_bytes   bigint,
    bundle_sha256  char(64),
    error          text
);
create index evidence_export_created_idx on evidence_export (created_at desc);

create index evidence_task_idx on evidence (task_id) where task_id is not null;
