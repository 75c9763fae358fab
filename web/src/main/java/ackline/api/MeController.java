package ackline.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ackline.security.StaffNames;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Who is signed in: name, display name, roles, and the CSRF token a console sends with its changes (header) and in
 * its STOMP CONNECT frame.
 */
@RestController
class MeController {

	private final StaffNames names;

	MeController(StaffNames names) {
		this.names = names;
	}

	@GetMapping("/api/v1/me")
	Map<String, Object> me(Authentication user, HttpServletRequest request) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("username", user.getName());
		body.put("displayName", names.of(user.getName()));
		List<String> roles = user.getAuthorities().stream().map(GrantedAuthority::getAuthority)
			.filter(a -> a.startsWith("ROLE_")).map(a -> a.substring(5)).sorted().toList();
		body.put("roles", roles);
		if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken csrf) {
			body.put("csrf", Map.of("headerName", csrf.getHeaderName(), "parameterName", csrf.getParameterName(), "token",
					csrf.getToken()));
		}
		return body;
	}

}
