-- Quality assurance and task work: supervisors' scorecards of agents' calls, agents' notes on tasks. Both are
-- append-only: a new scorecard revision or a further note, never a changed row (the triggers refuse UPDATE, DELETE
-- and TRUNCATE for everybody, the application included).

create function telephony_append_only() returns trigger language plpgsql as $$
begin
    raise exception '% is append-only: rows cannot be updated or deleted', tg_table_name
        using errcode = 'integrity_constraint_violation';
end;
$$;

create table call_scorecard (
    id         uuid primary key,
    call_id    uuid        not null references call (id),
    revision   int         not null,
    task_id    uuid        references callback_task (id),
    agent_id   text        not null,
    scores     jsonb       not null,
    comments   jsonb       not null default '{}',
    comment    text,
    total      int         not null,
    scored_by  text        not null,
    scored_at  timestamptz not null,
    constraint call_scorecard_revision unique (call_id, revision),
    constraint call_scorecard_total_check check (total between 0 and 100)
);
create index call_scorecard_agent_idx on call_scorecard (agent_id, scored_at desc);
create trigger call_scorecard_no_update before update or delete on call_scorecard
    for each row execute function telephony_append_only();
create trigger call_scorecard_no_truncate before truncate on call_scorecard
    for each statement execute function telephony_append_only();

create table callback_task_note (
    id       uuid primary key,
    task_id  uuid        not null references callback_task (id),
    author   text        not null,
    text     text        not null,
    at       timestamptz not null,
    constraint callback_task_note_length check (char_length(text) between 1 and 2000)
);
create index callback_task_note_task_idx on callback_task_note (task_id, at, id);
create trigger callback_task_note_no_update before update or delete on callback_task_note
    for each row execute function telephony_append_only();
create trigger callback_task_note_no_truncate before truncate on callback_task_note
    for each statement execute function telephony_append_only();
