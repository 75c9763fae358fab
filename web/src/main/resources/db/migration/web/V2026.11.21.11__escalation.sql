-- Escalation of unacknowledged notices (web owns the workflow that joins the notice hub and the dialer): one row per
-- step per notice; the primary key makes each step happen once, whichever node gets there first.
create table escalation_step (
    notice_id   uuid        not null,
    step        int         not null,
    action      text        not null,
    due_at      timestamptz not null,
    started_at  timestamptz not null,
    call_id     uuid,
    task_id     uuid,
    finished_at timestamptz,
    outcome     text,
    primary key (notice_id, step),
    constraint escalation_action_check check (action in ('IVR', 'CALLBACK'))
);
create index escalation_step_call_idx on escalation_step (call_id) where call_id is not null;
create index escalation_step_open_idx on escalation_step (started_at) where finished_at is null;
