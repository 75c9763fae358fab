package ackline.api;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/** What the API needs to know of the caller's roles beyond the URL rules. */
final class Roles {

	private Roles() {
	}

	static boolean has(Authentication user, String role) {
		for (GrantedAuthority a : user.getAuthorities()) {
			if (("ROLE_" + role).equals(a.getAuthority())) {
				return true;
			}
		}
		return false;
	}

	/** An agent with no supervising role: sees only their own tasks and calls. */
	static boolean isOnlyAgent(Authentication user) {
		return has(user, "AGENT") && !has(user, "SUPERVISOR") && !has(user, "AUDITOR") && !has(user, "ADMIN")
				&& !has(user, "SYSTEM");
	}

}
