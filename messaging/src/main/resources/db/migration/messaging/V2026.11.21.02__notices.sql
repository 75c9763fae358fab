-- The notice hub's tables. PostgreSQL is the truth; Redis only carries ids of attempts to work on.

create table notice (
    id                   uuid primary key,
    ref                  text        not null,
    type                 text        not null,
    client_id            text        not null,
    client_name          text        not null,
    phone                text,
    email                text,
    channels             text[]      not null,
    language             text        not null,
    params               jsonb       not null,
    require_ack          boolean     not null,
    ack_deadline         timestamptz,
    idempotency_key      text,
    request_hash         char(64),
    submitted_by         text        not null,
    status               text        not null,
    opted_out            boolean     not null default false,
    ack_token_hash       char(64)    unique,
    ack_token_expires_at timestamptz,
    ack_token_used_at    timestamptz,
    created_at           timestamptz not null,
    updated_at           timestamptz not null,
    acknowledged_at      timestamptz,
    constraint notice_idempotency unique (submitted_by, idempotency_key)
);
create index notice_ref_idx on notice (ref);
create index notice_client_idx on notice (client_id, created_at desc);
create index notice_status_idx on notice (status, created_at desc);
create index notice_open_by_phone_idx on notice (phone, created_at desc) where require_ack and acknowledged_at is null;
create index notice_open_by_email_idx on notice (email, created_at desc) where require_ack and acknowledged_at is null;
create index notice_deadline_idx on notice (ack_deadline) where require_ack and acknowledged_at is null and status <> 'EXPIRED';

-- One row per channel per notice: the outbox. A worker claims a row before it talks to a provider,
-- so a duplicate queue entry never becomes a duplicate message.
create table notice_attempt (
    id               bigserial primary key,
    notice_id        uuid        not null references notice (id),
    channel          text        not null,
    destination      text        not null,
    provider         text,
    status           text        not null,
    status_rank      smallint    not null,
    tries            int         not null default 0,
    next_attempt_at  timestamptz not null,
    enqueued_at      timestamptz,
    claimed_at       timestamptz,
    claimed_by       text,
    provider_id      text,
    error_code       text,
    error_message    text,
    subject          text,
    body             text        not null,
    html_body        text,
    segments         int,
    encoding         text,
    created_at       timestamptz not null,
    accepted_at      timestamptz,
    sent_at          timestamptz,
    delivered_at     timestamptz,
    final_at         timestamptz,
    updated_at       timestamptz not null,
    send_evidence_id uuid,
    unique (notice_id, channel)
);
create unique index notice_attempt_provider_idx on notice_attempt (provider, provider_id) where provider_id is not null;
create index notice_attempt_due_idx on notice_attempt (next_attempt_at) where status in ('PENDING', 'RETRYING');
create index notice_attempt_sending_idx on notice_attempt (claimed_at) where status = 'SENDING';

-- Every delivery report as received (also kept raw as evidence).
create table delivery_report (
    id           bigserial primary key,
    attempt_id   bigint      references notice_attempt (id),
    provider     text        not null,
    provider_id  text        not null,
    status       text        not null,
    error_code   text,
    applied      boolean     not null,
    received_at  timestamptz not null,
    evidence_id  uuid        not null
);
create index delivery_report_attempt_idx on delivery_report (attempt_id);

-- Every inbound SMS and email, matched or not, acknowledgement or not: never dropped.
create table inbound_message (
    id                  uuid primary key,
    channel             text        not null,
    provider_id         text        not null,
    sender              text        not null,
    recipient           text,
    body                text        not null,
    reply_text          text        not null,
    classification      text        not null,
    matched_notice_id   uuid        references notice (id),
    match_method        text        not null,
    candidate_notice_ids uuid[]     not null default '{}',
    needs_attention     boolean     not null,
    handled_by          text,
    handled_at          timestamptz,
    received_at         timestamptz not null,
    evidence_id         uuid        not null,
    unique (channel, provider_id)
);
create index inbound_attention_idx on inbound_message (received_at) where needs_attention and handled_at is null;
create index inbound_notice_idx on inbound_message (matched_notice_id);

create table acknowledgement (
    id                 uuid primary key,
    notice_id          uuid        not null unique references notice (id),
    channel            text        not null,
    text               text,
    received_at        timestamptz not null,
    late               boolean     not null,
    inbound_message_id uuid        references inbound_message (id),
    client_ip          text,
    user_agent         text,
    evidence_id        uuid        not null
);

-- Opt-outs (STOP / 退订) by address; regulatory notices are still sent, with the opt-out shown.
create table contact_opt_out (
    address            text primary key,
    channel            text        not null,
    opted_out_at       timestamptz not null,
    inbound_message_id uuid        references inbound_message (id)
);

-- The notice's history as an operator reads it.
create table notice_event (
    id         bigserial primary key,
    notice_id  uuid        not null references notice (id),
    at         timestamptz not null,
    kind       text        not null,
    detail     jsonb       not null default '{}'
);
create index notice_event_notice_idx on notice_event (notice_id, id);
