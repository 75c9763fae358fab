-- Evidence (留痕): bodies kept unaltered with their SHA-256. Rows are written once and never changed:
-- the trigger below refuses UPDATE and DELETE for everybody, the application included.
create table evidence (
    id            uuid primary key,
    kind          text        not null,
    content_type  text        not null,
    size_bytes    bigint      not null,
    sha256        char(64)    not null,
    body          bytea       not null,
    stored_at     timestamptz not null default now(),
    client_id     text,
    notice_id     uuid,
    task_id       uuid,
    call_id       uuid,
    agent_id      text
);
create index evidence_notice_idx on evidence (notice_id) where notice_id is not null;
create index evidence_client_idx on evidence (client_id, stored_at) where client_id is not null;

create function evidence_is_immutable() returns trigger language plpgsql as $$
begin
    raise exception 'evidence % is immutable: it cannot be updated or deleted', old.id
        using errcode = 'integrity_constraint_violation';
end $$;

create trigger evidence_no_update before update or delete on evidence
    for each row execute function evidence_is_immutable();
create trigger evidence_no_truncate before truncate on evidence
    for each statement execute function evidence_is_immutable();
