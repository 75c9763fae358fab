-- Delivery reports can be lost (our endpoint down when the provider called): attempts that stay without a
-- final status are asked about, at most this often.
alter table notice_attempt add column status_polled_at timestamptz;
create index notice_attempt_unfinished_idx on notice_attempt (accepted_at) where status in ('QUEUED', 'SENT');
