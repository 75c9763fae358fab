package ackline.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Display names of staff ("坐席一 / Agent 1") for consoles, remembered until the user changes. */
public final class StaffNames {

	private final JdbcClient jdbc;

	private final Map<String, String> names = new ConcurrentHashMap<>();

	StaffNames(JdbcClient jdbc, AppUsers users) {
		this.jdbc = jdbc;
		users.onChange(names::remove);
	}

	/** The user's display name, or the user name itself for someone unknown (an agent row without an account). */
	public String of(String username) {
		if (username == null) {
			return null;
		}
		return names.computeIfAbsent(username, u -> jdbc.sql("select display_name from app_user where username = ?")
			.param(u).query(String.class).optional().orElse(u));
	}

}
