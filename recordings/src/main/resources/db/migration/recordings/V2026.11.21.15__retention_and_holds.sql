-- Retention per evidence kind is recorded when the evidence is stored and never changes (the table refuses updates;
-- rows stored before this migration get theirs here, from the defaults: 20 years for acknowledgements, else 5).
alter table evidence add column retain_until timestamptz;
alter table evidence disable trigger evidence_no_update;
update evidence set retain_until = stored_at + case when kind in ('ACK_CLICK', 'IVR_KEYPRESS') then interval '20 years'
                                                   else interval '5 years' end;
alter table evidence enable trigger evidence_no_update;
create index evidence_call_idx on evidence (call_id) where call_id is not null;

-- Legal holds: every change kept (append-only); the hold in force is the latest row.
create table evidence_hold (
    seq         bigserial   primary key,
    evidence_id uuid        not null references evidence (id),
    hold        boolean     not null,
    reason      text        not null,
    set_by      text        not null,
    at          timestamptz not null
);
create index evidence_hold_idx on evidence_hold (evidence_id, seq desc);
create trigger evidence_hold_no_update before update or delete on evidence_hold
    for each row execute function evidence_is_immutable();
