package ackline.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import ackline.audit.AuditLog;
import ackline.callback.CallbackQueries;
import ackline.evidence.EvidenceStore;
import ackline.evidence.StoredEvidence;
import ackline.quality.Scorecards;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * API v1 for call recordings: search, metadata, and playback with seeking (HTTP Range) through Ackline. Supervisors,
 * auditors and admins see every recording, an agent only those of calls the agent made (another's is "not found").
 * Every search, view and play is written to the {@link AuditLog}, refused attempts too.
 */
@RestController
@RequestMapping("/api/v1/recordings")
class RecordingController {

	static final String OBJECT_TYPE = "RECORDING";

	static final int MAX_SIZE = 200;

	private final CallbackQueries queries;

	private final EvidenceStore evidence;

	private final AuditLog audit;

	/** The longest a presigned URL may live, whatever is configured. */
	static final Duration MAX_PRESIGNED_TTL = Duration.ofMinutes(15);

	private final boolean agentsPlayOwn;

	private final Scorecards scorecards;

	private final boolean presignedUrls;

	private final Duration presignedTtl;

	private final Clock clock;

	RecordingController(CallbackQueries queries, EvidenceStore evidence, AuditLog audit,
			@Value("${ackline.evidence.agents-play-own:false}") boolean agentsPlayOwn,
			@Value("${ackline.evidence.presigned-urls.enabled:false}") boolean presignedUrls,
			@Value("${ackline.evidence.presigned-urls.ttl:PT5M}") Duration presignedTtl, Clock clock,
			Scorecards scorecards) {
		this.scorecards = scorecards;
		this.queries = queries;
		this.evidence = evidence;
		this.audit = audit;
		this.agentsPlayOwn = agentsPlayOwn;
		this.presignedUrls = presignedUrls;
		if (presignedTtl.isNegative() || presignedTtl.isZero()) {
			throw new IllegalArgumentException("ackline.evidence.presigned-urls.ttl must be positive");
		}
		this.presignedTtl = presignedTtl.compareTo(MAX_PRESIGNED_TTL) > 0 ? MAX_PRESIGNED_TTL : presignedTtl;
		this.clock = clock;
	}

	@GetMapping
	Map<String, Object> search(@RequestParam(required = false) String clientId,
			@RequestParam(required = false) String agentId, @RequestParam(required = false) String type,
			@RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
			@RequestParam(required = false) Long minSeconds, @RequestParam(required = false) Long maxSeconds,
			@RequestParam(required = false) String disposition, @RequestParam(required = false) Boolean acknowledged,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size,
			Authentication user) {
		if (page < 0) {
			throw new EvidenceRequestRejected("page", "page.invalid", "page must be 0 or more");
		}
		if (size < 1 || size > MAX_SIZE) {
			throw new EvidenceRequestRejected("size", "size.invalid", "size must be between 1 and " + MAX_SIZE, MAX_SIZE);
		}
		// an agent searches only their own calls, whatever agentId they ask for
		String agent = Roles.isOnlyAgent(user) ? user.getName() : blankToNull(agentId);
		CallbackQueries.RecordingFilter filter = new CallbackQueries.RecordingFilter(blankToNull(clientId), agent,
				upper(type), from, to, minSeconds, maxSeconds, upper(disposition), acknowledged);
		CallbackQueries.RecordingPage found = queries.recordings(filter, page, size);
		Map<UUID, Scorecards.Summary> scored = scorecards
			.summaries(found.content().stream().map(r -> (UUID) r.get("callId")).toList());
		List<Map<String, Object>> content = found.content().stream().map(r -> {
			Map<String, Object> item = withRetention(r);
			item.put("scorecard", ScorecardController.summary(scored.get((UUID) r.get("callId"))));
			return item;
		}).toList();
		Map<String, Object> detail = new LinkedHashMap<>();
		detail.put("filter", filter);
		detail.put("page", page);
		detail.put("size", size);
		detail.put("total", found.total());
		audit.append(user.getName(), "RECORDING_SEARCH", OBJECT_TYPE, null, detail);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("content", content);
		body.put("total", found.total());
		body.put("page", page);
		body.put("size", size);
		return body;
	}

	@GetMapping("/{id}")
	Map<String, Object> get(@PathVariable UUID id, Authentication user) {
		Map<String, Object> recording = visible(id, user, "RECORDING_VIEW_REFUSED", Map.of());
		StoredEvidence stored = evidence.find(id).orElseThrow(() -> new EvidenceNotFound(id));
		Map<String, Object> view = withRetention(recording, stored);
		view.put("kind", stored.kind());
		view.put("contentType", stored.contentType());
		view.put("storedAt", stored.storedAt());
		view.put("links", stored.links());
		queries.call((UUID) recording.get("callId")).ifPresent(call -> view.put("call", callSummary(call)));
		audit.append(user.getName(), "RECORDING_VIEW", OBJECT_TYPE, id.toString(), Map.of());
		return view;
	}

	/**
	 * The recording's bytes: the whole body (re-hashed against its SHA-256 before it is sent) without a Range header,
	 * one byte range streamed from the store with 206 for a single satisfiable range, 416 when it lies beyond the end.
	 * Several ranges at once are answered with the whole body, as HTTP allows.
	 */
	@GetMapping("/{id}/audio")
	void audio(@PathVariable UUID id, @RequestHeader(value = HttpHeaders.RANGE, required = false) String range,
			Authentication user, HttpServletResponse response) throws IOException {
		Map<String, Object> detail = new LinkedHashMap<>();
		detail.put("range", range == null ? "none" : range);
		visible(id, user, "RECORDING_PLAY_REFUSED", detail);
		StoredEvidence stored = evidence.find(id).orElseThrow(() -> new EvidenceNotFound(id));
		long size = stored.size();
		response.setHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
		Optional<ByteRange> requested = ByteRange.parse(range, size);
		if (requested.isPresent() && !requested.get().satisfiable()) {
			detail.put("status", 416);
			audit.append(user.getName(), "RECORDING_PLAY_REFUSED", OBJECT_TYPE, id.toString(), detail);
			response.setStatus(HttpServletResponse.SC_REQUESTED_RANGE_NOT_SATISFIABLE);
			response.setHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
			return;
		}
		if (requested.isPresent()) {
			ByteRange r = requested.get();
			detail.put("status", 206);
			detail.put("offset", r.offset());
			detail.put("length", r.length());
			// audited before a byte leaves: a play that fails half-way was still an access
			audit.append(user.getName(), "RECORDING_PLAY", OBJECT_TYPE, id.toString(), detail);
			response.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
			response.setContentType("audio/wav");
			response.setContentLengthLong(r.length());
			response.setHeader(HttpHeaders.CONTENT_RANGE,
					"bytes " + r.offset() + "-" + (r.offset() + r.length() - 1) + "/" + size);
			try (InputStream in = evidence.openRange(id, r.offset(), r.length());
					OutputStream out = response.getOutputStream()) {
				in.transferTo(out);
			}
			return;
		}
		byte[] body = evidence.read(id);
		detail.put("status", 200);
		detail.put("offset", 0);
		detail.put("length", body.length);
		audit.append(user.getName(), "RECORDING_PLAY", OBJECT_TYPE, id.toString(), detail);
		response.setStatus(HttpServletResponse.SC_OK);
		response.setContentType("audio/wav");
		response.setContentLengthLong(body.length);
		try (OutputStream out = response.getOutputStream()) {
			out.write(body);
		}
	}

	/**
	 * A presigned URL that fetches the recording straight from object storage, without credentials, until
	 * {@code expiresAt} (the configured TTL, at most 15 minutes): only with
	 * {@code ackline.evidence.presigned-urls.enabled}, for whoever may play it, audited as PRESIGNED_URL before the URL
	 * is returned. Whoever holds the URL can fetch the body until it expires; the audit names who was given it.
	 */
	@GetMapping("/{id}/url")
	Map<String, Object> url(@PathVariable UUID id, Authentication user) {
		Map<String, Object> detail = new LinkedHashMap<>();
		if (!presignedUrls) {
			detail.put("reason", "presigned URLs disabled (ackline.evidence.presigned-urls.enabled=false)");
			audit.append(user.getName(), "PRESIGNED_URL_REFUSED", OBJECT_TYPE, id.toString(), detail);
			throw new PresignedUrlRefused(id, true);
		}
		visible(id, user, "PRESIGNED_URL_REFUSED", detail);
		evidence.find(id).orElseThrow(() -> new EvidenceNotFound(id));
		long seconds = presignedTtl.toSeconds();
		Instant expiresAt = clock.instant().plusSeconds(seconds).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
		Optional<java.net.URI> url = evidence.presignedGet(id, Duration.ofSeconds(seconds));
		if (url.isEmpty()) {
			detail.put("reason", "body not in object storage");
			audit.append(user.getName(), "PRESIGNED_URL_REFUSED", OBJECT_TYPE, id.toString(), detail);
			throw new PresignedUrlRefused(id, false);
		}
		detail.put("ttlSeconds", seconds);
		detail.put("expiresAt", expiresAt.toString());
		// audited before the URL leaves, like a play
		audit.append(user.getName(), "PRESIGNED_URL", OBJECT_TYPE, id.toString(), detail);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("url", url.get().toString());
		body.put("expiresAt", expiresAt);
		return body;
	}

	/**
	 * The recording as listed, if the caller may see it; else the refusal is audited and it is "not found". Agents see
	 * only their own calls' recordings, and play none unless {@code ackline.evidence.agents-play-own} (listening to
	 * recordings is the supervisors' and compliance's work: least privilege, R-EV-5).
	 */
	private Map<String, Object> visible(UUID id, Authentication user, String refusal, Map<String, Object> detail) {
		Optional<Map<String, Object>> recording = queries.recording(id);
		boolean agent = Roles.isOnlyAgent(user);
		boolean own = recording.isPresent() && user.getName().equals(recording.get().get("agentId"));
		boolean playing = "RECORDING_PLAY_REFUSED".equals(refusal) || "PRESIGNED_URL_REFUSED".equals(refusal);
		boolean allowed = recording.isPresent() && (!agent || (own && (!playing || agentsPlayOwn)));
		if (!allowed) {
			Map<String, Object> why = new LinkedHashMap<>(detail);
			why.put("reason", recording.isEmpty() ? "no such recording"
					: !own ? "not the agent's call" : "agents do not play recordings (ackline.evidence.agents-play-own)");
			audit.append(user.getName(), refusal, OBJECT_TYPE, id.toString(), why);
			throw new EvidenceNotFound(id);
		}
		return recording.get();
	}

	private Map<String, Object> withRetention(Map<String, Object> recording) {
		return withRetention(recording, evidence.find((UUID) recording.get("id")).orElse(null));
	}

	private static Map<String, Object> withRetention(Map<String, Object> recording, StoredEvidence stored) {
		Map<String, Object> v = new LinkedHashMap<>(recording);
		v.put("retainUntil", stored == null ? null : stored.retainUntil());
		v.put("legalHold", stored != null && stored.legalHold());
		return v;
	}

	private static Map<String, Object> callSummary(Map<String, Object> call) {
		Map<String, Object> summary = new LinkedHashMap<>();
		for (String key : List.of("id", "kind", "state", "outcome", "taskId", "noticeId", "agentId", "phone",
				"dialStatus", "hangupCause", "createdAt", "answeredAt", "endedAt", "talkSeconds", "recording")) {
			if (call.containsKey(key)) {
				summary.put(key, call.get(key));
			}
		}
		return summary;
	}

	private static String blankToNull(String s) {
		return s == null || s.isBlank() ? null : s.strip();
	}

	private static String upper(String s) {
		String v = blankToNull(s);
		return v == null ? null : v.toUpperCase(java.util.Locale.ROOT);
	}

	/**
	 * One byte range of a body of known size (RFC 9110 §14.1.2): {@code bytes=a-b}, {@code bytes=a-} or the suffix
	 * {@code bytes=-n}. An unparsable header or several ranges count as no range (the whole body is sent).
	 */
	record ByteRange(long offset, long length, boolean satisfiable) {

		static Optional<ByteRange> parse(String header, long size) {
			if (header == null) {
				return Optional.empty();
			}
			String h = header.strip();
			if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0) {
				return Optional.empty();
			}
			String spec = h.substring(6).strip();
			int dash = spec.indexOf('-');
			if (dash < 0) {
				return Optional.empty();
			}
			try {
				String first = spec.substring(0, dash).strip();
				String last = spec.substring(dash + 1).strip();
				if (first.isEmpty()) {
					if (last.isEmpty()) {
						return Optional.empty();
					}
					long suffix = Long.parseLong(last);
					if (suffix <= 0 || size == 0) {
						return Optional.of(new ByteRange(0, 0, false));
					}
					long length = Math.min(suffix, size);
					return Optional.of(new ByteRange(size - length, length, true));
				}
				long start = Long.parseLong(first);
				long end = last.isEmpty() ? size - 1 : Long.parseLong(last);
				if (start < 0) {
					return Optional.empty();
				}
				if (start >= size) {
					return Optional.of(new ByteRange(start, 0, false));
				}
				if (end < start) {
					return Optional.empty();
				}
				end = Math.min(end, size - 1);
				return Optional.of(new ByteRange(start, end - start + 1, true));
			}
			catch (NumberFormatException ex) {
				return Optional.empty();
			}
		}

	}

}
