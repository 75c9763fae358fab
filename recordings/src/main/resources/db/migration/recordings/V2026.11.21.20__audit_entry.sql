-- Access audit (R-EV-5): who searched, viewed, played, exported or put on hold which evidence. Entries are
-- hash-chained (each holds the previous entry's hash) and append-only: the trigger refuses UPDATE, DELETE and
-- TRUNCATE for everybody, the application included.
create table audit_entry (
    seq         bigserial   primary key,
    at          timestamptz not null,
    actor       text        not null,
    action      text        not null,
    object_type text,
    object_id   text,
    detail      jsonb       not null default '{}'::jsonb,
    prev_hash   char(64)    not null,
    hash        char(64)    not null unique
);
create index audit_entry_object_idx on audit_entry (object_id, seq) where object_id is not null;
create index audit_entry_actor_idx on audit_entry (actor, seq);
create index audit_entry_at_idx on audit_entry (at);

create function audit_entry_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'the audit log is append-only: entries cannot be updated or deleted'
        using errcode = 'integrity_constraint_violation';
end $$;

create trigger audit_entry_no_update before update or delete on audit_entry
    for each row execute function audit_entry_is_append_only();
create trigger audit_entry_no_truncate before truncate on audit_entry
    for each statement execute function audit_entry_is_append_only();
