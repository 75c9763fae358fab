package ackline.security;

import java.time.Clock;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ackline.audit.AuditLog;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may call what. Webhooks and the acknowledgement link carry their own proof (a provider's
 * signature, a one-time token) and skip sign-in; everything else needs a user with a role. Scripts use
 * HTTP Basic; people use the sign-in form, with CSRF protection for their browser session.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

	private static final String[] READERS = { "SYSTEM", "AGENT", "SUPERVISOR", "AUDITOR", "ADMIN" };

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	AppUsers appUsers(JdbcClient jdbc, PasswordEncoder passwords, Clock clock) {
		return new AppUsers(jdbc, passwords, clock);
	}

	@Bean
	StaffNames staffNames(JdbcClient jdbc, AppUsers users) {
		return new StaffNames(jdbc, users);
	}

	@Bean
	RememberedCredentials authenticationProvider(AppUsers users, PasswordEncoder passwords, Clock clock,
			@Value("${ackline.security.remember-credentials-for:60s}") java.time.Duration ttl) {
		DaoAuthenticationProvider dao = new DaoAuthenticationProvider(users);
		dao.setPasswordEncoder(passwords);
		RememberedCredentials provider = new RememberedCredentials(dao, ttl, clock);
		users.onChange(provider::forget);
		return provider;
	}

	/** Webhooks and the acknowledgement page: no session, no CSRF token, no sign-in; the body stays unread. */
	@Bean
	@Order(1)
	SecurityFilterChain publicEndpoints(HttpSecurity http) throws Exception {
		http.securityMatcher("/webhooks/**", "/ack/**")
			.authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
			.csrf(csrf -> csrf.disable())
			.requestCache(cache -> cache.disable())
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain application(HttpSecurity http, ObjectProvider<AuditLog> audit) throws Exception {
		RequestMatcher api = request -> request.getRequestURI().startsWith("/api/");
		// CSRF rides on a browser's session cookie: a request that signs itself with Basic credentials, or
		// carries no session at all, is a script and has nothing to forge (and gets 401, not 403, when unsigned).
		RequestMatcher script = request -> {
			String header = request.getHeader("Authorization");
			boolean basic = header != null && header.regionMatches(true, 0, "Basic ", 0, 6);
			return basic || request.getRequestedSessionId() == null;
		};
		BasicAuthenticationEntryPoint basic = new BasicAuthenticationEntryPoint();
		basic.setRealmName("Ackline");
		http.authorizeHttpRequests(auth -> auth
			.requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
			.requestMatchers("/actuator/**").hasRole("ADMIN")
			.requestMatchers("/login", "/error", "/favicon.ico", "/css/**", "/js/**").permitAll()
			// the consoles: pages by role; their scripts, styles and the STOMP client for anyone signed in
			.requestMatchers("/agent", "/agent/**").hasRole("AGENT")
			.requestMatchers("/supervisor", "/supervisor/**").hasAnyRole("SUPERVISOR", "AUDITOR", "ADMIN")
			.requestMatchers("/console/**", "/webjars/**").authenticated()
			.requestMatchers(HttpMethod.POST, "/api/v1/notices", "/api/v1/notices/batch").hasAnyRole("SYSTEM", "ADMIN")
			.requestMatchers(HttpMethod.GET, "/api/v1/notices", "/api/v1/notices/**").hasAnyRole(READERS)
			.requestMatchers(HttpMethod.GET, "/api/v1/replies").hasAnyRole("AGENT", "SUPERVISOR", "AUDITOR", "ADMIN")
			.requestMatchers(HttpMethod.POST, "/api/v1/callbacks", "/api/v1/callbacks/*/cancel").hasAnyRole("SYSTEM", "SUPERVISOR", "ADMIN")
			.requestMatchers(HttpMethod.POST, "/api/v1/callbacks/*/dial", "/api/v1/callbacks/*/disposition").hasRole("AGENT")
			.requestMatchers(HttpMethod.GET, "/api/v1/callbacks/queues").hasAnyRole("SUPERVISOR", "AUDITOR", "ADMIN")
			.requestMatchers(HttpMethod.GET, "/api/v1/calls/*/scorecard").hasAnyRole("AGENT", "SUPERVISOR", "AUDITOR", "ADMIN")
			.requestMatchers(HttpMethod.GET, "/api/v1/callbacks", "/api/v1/callbacks/**", "/api/v1/calls/**").hasAnyRole(READERS)
			.requestMatchers(HttpMethod.POST, "/api/v1/calls/*/hangup").hasAnyRole("AGENT", "SUPERVISOR", "ADMIN")
			.requestMatchers("/api/v1/agents/me", "/api/v1/agents/me/**").hasRole("AGENT")
			.requestMatchers(HttpMethod.GET, "/api/v1/agents").hasAnyRole("SUPERVISOR", "AUDITOR", "ADMIN")
			// evidence: an agent sees only their own calls' recordings (checked in the controller); deleting evidence
			// and changing retention reach the controller only to be refused and audited there
			.requestMatchers(HttpMethod.GET, "/api/v1/recordings", "/api/v1/recordings/**").hasAnyRole("AGENT", "SUPERVISOR", "AUDITOR", "ADMIN")
			.requestMatchers("/api/v1/audit", "/api/v1/audit/**").hasAnyRole("AUDITOR", "ADMIN")
			.requestMatchers(HttpMethod.PUT, "/api/v1/evidence/*/legal-hold").hasRole("AUDITOR")
			.requestMatchers("/api/v1/evidence/exports", "/api/v1/evidence/exports/**").hasAnyRole("SUPERVISOR", "AUDITOR")
			.requestMatchers(HttpMethod.GET, "/api/v1/evidence/verification", "/api/v1/evidence/verification/**").hasAnyRole("SUPERVISOR", "AUDITOR", "ADMIN")
			.requestMatchers(HttpMethod.POST, "/api/v1/evidence/verification").hasAnyRole("AUDITOR", "ADMIN")
			.requestMatchers(HttpMethod.DELETE, "/api/v1/evidence/**").authenticated()
			.requestMatchers(HttpMethod.PUT, "/api/v1/evidence/*/retention").authenticated()
			// live consoles: the handshake needs a signed-in user (session or Basic); streams are checked per role in
			// ackline.live.LiveAccess (STOMP) and LiveController (snapshots)
			.requestMatchers("/ws", "/ws/**", "/api/v1/me", "/api/v1/live/**").authenticated()
			// --- QA and task work (issue 5): scorecards, task notes, client history, the agent's queue preview.
			// GET /api/v1/calls/*/scorecard is listed before GET /api/v1/calls/** above (no SYSTEM); ScorecardController
			// still refuses other agents' calls itself (403); /api/v1/agents/me/queue and
			// /api/v1/agents/me/scorecards fall under /api/v1/agents/me/** (AGENT). Ownership (an agent's own task,
			// call, client) is checked in the controllers, refused with 403 problem details.
			.requestMatchers(HttpMethod.GET, "/api/v1/quality/criteria").hasAnyRole("AGENT", "SUPERVISOR", "AUDITOR", "ADMIN")
			.requestMatchers(HttpMethod.PUT, "/api/v1/calls/*/scorecard").hasRole("SUPERVISOR")
			.requestMatchers(HttpMethod.GET, "/api/v1/agents/*/scorecards").hasAnyRole("SUPERVISOR", "AUDITOR", "ADMIN")
			.requestMatchers(HttpMethod.POST, "/api/v1/callbacks/*/notes").hasAnyRole("AGENT", "SUPERVISOR")
			.requestMatchers(HttpMethod.GET, "/api/v1/clients/*/history").hasAnyRole("AGENT", "SUPERVISOR", "AUDITOR", "ADMIN")
			// --- end of QA and task work
			.anyRequest().authenticated())
			.httpBasic(b -> b.authenticationEntryPoint(basic))
			.formLogin(form -> form.successHandler(new ConsoleLanding()))
			.exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(basic, api)
				.accessDeniedHandler(new AuditedAccessDenied(audit)))
			.csrf(csrf -> csrf.ignoringRequestMatchers(script));
		return http.build();
	}

	/** The local run's demo users, one per role, each with its name as password. Never in production. */
	@Bean
	ApplicationRunner demoUsers(AppUsers users, @Value("${ackline.demo-users:false}") boolean enabled) {
		return args -> {
			if (!enabled) {
				return;
			}
			users.save("system", "system", List.of(Role.SYSTEM), "上游系统 / upstream systems");
			users.save("agent1", "agent1", List.of(Role.AGENT), "坐席一 / Agent 1");
			users.save("agent2", "agent2", List.of(Role.AGENT), "坐席二 / Agent 2");
			users.save("supervisor1", "supervisor1", List.of(Role.SUPERVISOR), "质检主管一 / Supervisor 1");
			users.save("auditor1", "auditor1", List.of(Role.AUDITOR), "合规审计一 / Auditor 1");
			users.save("admin", "admin", List.of(Role.ADMIN), "管理员 / Administrator");
			log.warn("Demo users seeded (system, agent1, agent2, supervisor1, auditor1, admin): local run only");
		};
	}

	/** A first administrator for a new deployment, from {@code ackline.bootstrap.admin-password}. */
	@Bean
	ApplicationRunner bootstrapAdmin(AppUsers users, @Value("${ackline.bootstrap.admin-password:}") String password) {
		return args -> {
			if (!password.isBlank() && !users.anyWithRole(Role.ADMIN)) {
				users.save("admin", password, List.of(Role.ADMIN), "管理员 / Administrator");
				log.info("Created the first administrator 'admin' from ackline.bootstrap.admin-password");
			}
		};
	}


}
