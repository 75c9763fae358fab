-- Staff and system accounts. Passwords are BCrypt hashes; roles as Spring Security authorities.
create table app_user (
    username      text primary key,
    password_hash text        not null,
    roles         text[]      not null,
    display_name  text        not null,
    enabled       boolean     not null default true,
    created_at    timestamptz not null default now()
);
