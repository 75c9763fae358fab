-- Evidence bodies move to S3 object storage under Object Lock. Metadata stays here; a row says where its body is:
-- storage 'S3' with bucket, object_key and version_id (body null), or 'DB' with the body in the row (rows stored before
-- this migration, and rows stored while object storage was down). The table still refuses every UPDATE and DELETE.
alter table evidence add column storage text not null default 'DB' check (storage in ('DB', 'S3'));
alter table evidence add column bucket text;
alter table evidence add column object_key text;
alter table evidence add column version_id text;
alter table evidence alter column body drop not null;
alter table evidence add constraint evidence_body_somewhere check (
    (storage = 'DB' and body is not null) or (storage = 'S3' and bucket is not null and object_key is not null));

-- A body kept in a row is copied to object storage later (the upload queue below); the copy is recorded here, append
-- only, and never by changing the evidence row. The latest location of an evidence id is where its body is read from.
create table evidence_location (
    seq         bigserial   primary key,
    evidence_id uuid        not null references evidence (id),
    bucket      text        not null,
    object_key  text        not null,
    version_id  text,
    at          timestamptz not null
);
create index evidence_location_idx on evidence_location (evidence_id, seq desc);
create trigger evidence_location_no_update before update or delete on evidence_location
    for each row execute function evidence_is_immutable();

-- Bodies waiting for object storage: worked with FOR UPDATE SKIP LOCKED, retried with back-off; a row goes when its body
-- is in object storage (this is a queue, not evidence).
create table evidence_upload (
    evidence_id uuid        primary key references evidence (id),
    attempts    int         not null default 0,
    next_at     timestamptz not null default now(),
    last_error  text
);
create index evidence_upload_next_idx on evidence_upload (next_at);

-- What the notice hub kept in PostgreSQL so far moves to object storage once it is configured.
insert into evidence_upload (evidence_id) select id from evidence;
