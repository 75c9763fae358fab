package ackline.console;

import java.util.HashSet;
import java.util.Set;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/** Which console a person works in: agents at {@code /agent}; supervisors, auditors and admins at {@code /supervisor}. */
public final class Consoles {

	public static final String AGENT = "/agent";

	public static final String SUPERVISOR = "/supervisor";

	private Consoles() {
	}

	/** The console a person with these roles lands on after signing in, or null (upstream systems have none). */
	public static String landing(Authentication user) {
		if (user == null) {
			return null;
		}
		Set<String> roles = new HashSet<>();
		for (GrantedAuthority authority : user.getAuthorities()) {
			roles.add(authority.getAuthority());
		}
		if (roles.contains("ROLE_SUPERVISOR") || roles.contains("ROLE_AUDITOR") || roles.contains("ROLE_ADMIN")) {
			return SUPERVISOR;
		}
		if (roles.contains("ROLE_AGENT")) {
			return AGENT;
		}
		return null;
	}

}
