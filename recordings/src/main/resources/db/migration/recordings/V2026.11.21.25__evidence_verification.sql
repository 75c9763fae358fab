-- Integrity verification runs: each run re-reads stored evidence (all of it, or a rotating window by id) and records
-- what it found; details hold the failing ids with their reasons and the calls that should have a recording but have none.
create table evidence_verification_run (
    id          uuid        primary key,
    started_at  timestamptz not null,
    finished_at timestamptz,
    started_by  text        not null,
    checked     integer     not null default 0,
    ok          integer     not null default 0,
    mismatches  integer     not null default 0,
    missing     integer     not null default 0,
    last_id     uuid,
    details     jsonb       not null default '{}'
);
create index evidence_verification_run_started_idx on evidence_verification_run (started_at desc);
