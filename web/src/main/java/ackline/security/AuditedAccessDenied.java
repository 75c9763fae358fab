package ackline.security;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ackline.audit.AuditLog;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;

/**
 * Answers 403 as usual, and writes a refusal on recordings, the audit log or evidence to the audit log first (R-EV-5:
 * refused access is audited too, also when the role rules stop it before a controller).
 */
class AuditedAccessDenied implements AccessDeniedHandler {

	private static final Pattern RECORDING = Pattern.compile("^/api/v1/recordings(?:/([^/]+))?(/audio|/url)?/?$");

	private static final Pattern EVIDENCE = Pattern.compile("^/api/v1/evidence/([0-9a-fA-F-]{36})(?:/.*)?$");

	private final ObjectProvider<AuditLog> audit;

	private final AccessDeniedHandler forbidden = new AccessDeniedHandlerImpl();

	AuditedAccessDenied(ObjectProvider<AuditLog> audit) {
		this.audit = audit;
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
			throws IOException, ServletException {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		Authentication user = SecurityContextHolder.getContext().getAuthentication();
		AuditLog log = audit.getIfAvailable();
		if (log != null && user != null && user.isAuthenticated() && path.startsWith("/api/v1/")) {
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("method", request.getMethod());
			detail.put("path", path);
			if (request.getQueryString() != null) {
				detail.put("query", request.getQueryString());
			}
			detail.put("reason", denied instanceof org.springframework.security.web.csrf.CsrfException ? "csrf" : "role");
			Matcher recording = RECORDING.matcher(path);
			Matcher evidence = EVIDENCE.matcher(path);
			if (recording.matches()) {
				String action = "/url".equals(recording.group(2)) ? "PRESIGNED_URL_REFUSED"
						: recording.group(2) != null ? "RECORDING_PLAY_REFUSED"
						: recording.group(1) != null ? "RECORDING_VIEW_REFUSED" : "RECORDING_SEARCH_REFUSED";
				log.append(user.getName(), action, "RECORDING", recording.group(1), detail);
			}
			else if (path.startsWith("/api/v1/audit")) {
				log.append(user.getName(), "AUDIT_READ_REFUSED", "AUDIT", null, detail);
			}
			else if (evidence.matches()) {
				log.append(user.getName(), "EVIDENCE_ACCESS_REFUSED", "EVIDENCE", evidence.group(1), detail);
			}
			else if (path.startsWith("/api/v1/evidence")) {
				log.append(user.getName(), "EVIDENCE_ACCESS_REFUSED", "EVIDENCE", null, detail);
			}
		}
		forbidden.handle(request, response, denied);
	}

}
