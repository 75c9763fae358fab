-- The offer walks these in offer order: tasks reserved for the asking agent, then everyone's (callback_task_ready_idx).
create index callback_task_reserved_idx on callback_task (agent_id, priority desc, due_by, id) where state = 'QUEUED';
-- The daily cap counts a client's calls today.
-- (call_phone_day_idx on call (phone, created_at) serves it.)
