package ackline.security;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Staff and system accounts in PostgreSQL ({@code app_user}), passwords hashed. */
class AppUsers implements UserDetailsService {

	private final JdbcClient jdbc;

	private final PasswordEncoder passwords;

	private final Clock clock;

	private final java.util.List<java.util.function.Consumer<String>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

	AppUsers(JdbcClient jdbc, PasswordEncoder passwords, Clock clock) {
		this.jdbc = jdbc;
		this.passwords = passwords;
		this.clock = clock;
	}

	@Override
	public UserDetails loadUserByUsername(String username) {
		return jdbc.sql("select username, password_hash, roles, enabled from app_user where username = ?")
			.param(username)
			.query((rs, n) -> User.withUsername(rs.getString("username"))
				.password(rs.getString("password_hash"))
				.disabled(!rs.getBoolean("enabled"))
				.authorities(Arrays.stream((String[]) rs.getArray("roles").getArray())
					.map(r -> new SimpleGrantedAuthority("ROLE_" + r))
					.toList())
				.build())
			.optional()
			.orElseThrow(() -> new UsernameNotFoundException("no user " + username));
	}

	/** Creates the user, or resets its password and roles. */
	void save(String username, String rawPassword, List<Role> roles, String displayName) {
		jdbc.sql("""
				insert into app_user (username, password_hash, roles, display_name, created_at) values (?, ?, ?, ?, ?)
				on conflict (username) do update set password_hash = excluded.password_hash, roles = excluded.roles,
				    display_name = excluded.display_name, enabled = true""")
			.params(username, passwords.encode(rawPassword), roles.stream().map(Enum::name).toArray(String[]::new),
					displayName, Timestamp.from(clock.instant()))
			.update();
		listeners.forEach(l -> l.accept(username));
	}

	/** Tells {@code listener} the name of every user whose password or roles change. */
	void onChange(java.util.function.Consumer<String> listener) {
		listeners.add(listener);
	}

	boolean anyWithRole(Role role) {
		return jdbc.sql("select count(*) from app_user where ? = any(roles)").param(role.name()).query(Long.class).single() > 0;
	}

}
