-- Today's notices for the supervisors' wallboard: a range on created_at alone.
create index notice_created_idx on notice (created_at);
