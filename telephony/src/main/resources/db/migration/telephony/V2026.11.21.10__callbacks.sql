-- The dialer: call-back tasks, agents, calls and their AMI timeline. PostgreSQL is the queue: a task is offered by
-- one UPDATE of a row locked with SKIP LOCKED, so two agents can never be offered the same task, and nothing has to
-- be rebuilt when Redis is flushed.

create table callback_task (
    id               uuid primary key,
    reference        text        not null unique,
    type             text        not null,
    client_id        text        not null,
    client_name      text,
    phone            text        not null,
    earliest         timestamptz not null,
    due_by           timestamptz not null,
    priority         int         not null,
    agent_id         text,
    team             text,
    script_id        text,
    record_required  boolean     not null,
    notice_id        uuid,
    state            text        not null,
    next_attempt_at  timestamptz not null,
    attempts         int         not null default 0,
    max_attempts     int         not null,
    retry_interval   interval    not null,
    offered_to       text,
    offered_at       timestamptz,
    disposition      text,
    answers          jsonb,
    missing_answers  text,
    notes            text,
    call_back_at     timestamptz,
    failure_reason   text,
    caller           text        not null,
    idempotency_key  text,
    request_hash     text,
    created_at       timestamptz not null,
    updated_at       timestamptz not null,
    completed_at     timestamptz,
    constraint callback_task_state_check check (state in ('QUEUED', 'OFFERED', 'DIALING', 'IN_CALL', 'WRAP_UP',
        'DONE', 'FAILED', 'CANCELLED'))
);
create unique index callback_task_idempotency_idx on callback_task (caller, idempotency_key) where idempotency_key is not null;
-- the offer walks these in offer order: tasks reserved for the asking agent, then everyone's
create index callback_task_ready_idx on callback_task (priority desc, due_by, id) where state = 'QUEUED';
create index callback_task_reserved_idx on callback_task (agent_id, priority desc, due_by, id) where state = 'QUEUED';
-- a queue table: its statistics must follow bulk intake quickly, or the offer's plan sorts the whole queue
alter table callback_task set (autovacuum_analyze_scale_factor = 0.02, autovacuum_analyze_threshold = 200,
    autovacuum_vacuum_scale_factor = 0.05);
create index callback_task_client_idx on callback_task (client_id, created_at desc);
create index callback_task_open_due_idx on callback_task (due_by) where state not in ('DONE', 'FAILED', 'CANCELLED');
create index callback_task_offered_idx on callback_task (offered_to) where state in ('OFFERED', 'DIALING', 'IN_CALL', 'WRAP_UP');

create table callback_event (
    task_id uuid        not null references callback_task (id),
    seq     bigserial   primary key,
    at      timestamptz not null,
    kind    text        not null,
    detail  jsonb       not null default '{}'
);
create index callback_event_task_idx on callback_event (task_id, seq);

create table agent (
    id             text primary key,
    state          text        not null,
    reason         text,
    mode           text        not null default 'PREVIEW',
    team           text,
    endpoint       text        not null,
    since          timestamptz not null,
    wrap_up_until  timestamptz,
    current_task   uuid,
    current_call   uuid,
    updated_at     timestamptz not null,
    constraint agent_state_check check (state in ('OFFLINE', 'AVAILABLE', 'ON_CALL', 'WRAP_UP', 'PAUSED')),
    constraint agent_mode_check check (mode in ('PREVIEW', 'PROGRESSIVE'))
);
create index agent_available_idx on agent (since) where state = 'AVAILABLE' and current_task is null;

create table call (
    id                  uuid primary key,
    kind                text        not null,
    task_id             uuid references callback_task (id),
    notice_id           uuid,
    agent_id            text,
    client_id           text,
    phone               text        not null,
    state               text        not null,
    outcome             text,
    dial_status         text,
    hangup_cause        int,
    hangup_cause_text   text,
    failure             text,
    record_required     boolean     not null,
    recording_file      text        not null,
    recording_state     text        not null default 'PENDING',
    recording_evidence  uuid,
    recording_sha256    text,
    recording_bytes     bigint,
    recording_started   timestamptz,
    recording_stopped   timestamptz,
    digits              text,
    language            text,
    ivr_prompts         text,
    created_at          timestamptz not null,
    ringing_at          timestamptz,
    answered_at         timestamptz,
    ended_at            timestamptz,
    updated_at          timestamptz not null,
    constraint call_kind_check check (kind in ('AGENT', 'IVR')),
    constraint call_state_check check (state in ('ORIGINATING', 'RINGING_AGENT', 'DIALING_CLIENT', 'RINGING', 'ANSWERED',
        'ENDED')),
    constraint call_recording_check check (recording_state in ('PENDING', 'STORED', 'MISSING', 'NOT_RECORDED'))
);
create index call_task_idx on call (task_id, created_at);
create index call_notice_idx on call (notice_id) where notice_id is not null;
create index call_open_idx on call (created_at) where state <> 'ENDED';
create index call_recording_pending_idx on call (ended_at) where recording_state = 'PENDING' and state = 'ENDED';
create index call_phone_day_idx on call (phone, created_at);

create table call_event (
    call_id     uuid        not null references call (id),
    seq         bigserial   primary key,
    key         text        not null,
    kind        text        not null,
    name        text        not null,
    leg         text,
    channel     text,
    unique_id   text,
    at          timestamptz not null,
    detail      jsonb       not null default '{}',
    received_at timestamptz not null
);
-- every app node hears every AMI event: the first to insert it applies it
create unique index call_event_key_idx on call_event (call_id, key);
create index call_event_call_idx on call_event (call_id, seq);
