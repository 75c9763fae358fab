-- Escalation looks for unacknowledged notices with a phone whose deadline passed, EXPIRED ones included
-- (notice_deadline_idx leaves those out).
create index notice_escalation_idx on notice (ack_deadline) where require_ack and acknowledged_at is null and phone is not null;
