package ackline.api;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ackline.callback.CallbackIntake;
import ackline.callback.CallbackNotFound;
import ackline.callback.CallbackQueries;
import ackline.callback.CallbackRejected;
import ackline.callback.CallbackRequest;
import ackline.callback.CallbackType;
import ackline.callback.Dialer;
import ackline.callback.TaskNotes;
import ackline.callback.TaskState;
import ackline.validation.FieldError;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** API v1 for call-back tasks: upstream systems and supervisors create them, agents work them. */
@RestController
@RequestMapping("/api/v1/callbacks")
class CallbackController {

	private final CallbackIntake intake;

	private final CallbackQueries queries;

	private final Dialer dialer;

	private final TaskNotes notes;

	CallbackController(CallbackIntake intake, CallbackQueries queries, Dialer dialer, TaskNotes notes) {
		this.intake = intake;
		this.queries = queries;
		this.dialer = dialer;
		this.notes = notes;
	}

	@PostMapping
	ResponseEntity<Map<String, Object>> create(@RequestBody CallbackRequest request, Authentication user) {
		CallbackIntake.Accepted accepted = intake.accept(request, user.getName());
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("id", accepted.id());
		body.put("reference", accepted.reference());
		body.put("state", accepted.state());
		body.put("dueBy", accepted.dueBy());
		body.put("created", accepted.created());
		if (accepted.requestDiffers()) {
			body.put("requestDiffers", true);
		}
		return ResponseEntity.status(accepted.created() ? HttpStatus.CREATED : HttpStatus.OK)
			.location(URI.create("/api/v1/callbacks/" + accepted.id()))
			.body(body);
	}

	@GetMapping("/{id}")
	Map<String, Object> get(@PathVariable UUID id, Authentication user) {
		if (Roles.isOnlyAgent(user) && !queries.visibleTo(id, user.getName())) {
			throw new CallbackNotFound("task", id);
		}
		return queries.task(id).orElseThrow(() -> new CallbackNotFound("task", id));
	}

	@GetMapping
	List<Map<String, Object>> list(@RequestParam(required = false) TaskState state,
			@RequestParam(required = false) CallbackType type, @RequestParam(required = false) Boolean overdue,
			@RequestParam(required = false) String agentId, @RequestParam(required = false) String clientId,
			@RequestParam(defaultValue = "100") int limit, Authentication user) {
		if (limit < 1 || limit > 1000) {
			throw new CallbackRejected(List.of(FieldError.of("limit", "size.invalid", "must be 1 to 1000", 1000)));
		}
		String agent = Roles.isOnlyAgent(user) ? user.getName() : agentId;
		return queries.tasks(state, type, overdue, agent, clientId, limit);
	}

	@GetMapping("/queues")
	List<Map<String, Object>> depth() {
		return queries.depth();
	}

	@PostMapping("/{id}/dial")
	ResponseEntity<Map<String, Object>> dial(@PathVariable UUID id, Authentication user) {
		Dialer.Dialled dialled = dialer.dial(id, user.getName());
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("callId", dialled.callId());
		body.put("id", dialled.callId());
		body.put("taskId", dialled.taskId());
		body.put("state", "ORIGINATING");
		return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create("/api/v1/calls/" + dialled.callId()))
			.body(body);
	}

	/** Optional {@code reason}. */
	record CancelRequest(String reason) {
	}

	@PostMapping("/{id}/cancel")
	Map<String, Object> cancel(@PathVariable UUID id, @RequestBody(required = false) CancelRequest request,
			Authentication user) {
		TaskState state = dialer.cancel(id, user.getName(), request == null ? null : request.reason());
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("id", id);
		body.put("state", state);
		return body;
	}

	@PostMapping("/{id}/disposition")
	Map<String, Object> dispose(@PathVariable UUID id, @RequestBody Dialer.DispositionRequest request,
			Authentication user) {
		TaskState state = dialer.dispose(id, user.getName(), request);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("id", id);
		body.put("state", state);
		return body;
	}

	/** A note's {@code text}, at most 2000 characters. */
	record NoteRequest(String text) {
	}

	/**
	 * Appends a note to the task: an agent on a task reserved for or offered to them (else 403), a supervisor on any.
	 */
	@PostMapping("/{id}/notes")
	ResponseEntity<TaskNotes.Note> addNote(@PathVariable UUID id, @RequestBody(required = false) NoteRequest request,
			Authentication user) {
		boolean supervisor = Roles.has(user, "SUPERVISOR");
		if (!supervisor) {
			if (queries.task(id).isEmpty()) {
				throw new CallbackNotFound("task", id);
			}
			if (!queries.assignedTo(id, user.getName())) {
				throw new AccessRefused("task.not-yours", "the task is neither reserved for nor offered to the agent");
			}
		}
		TaskNotes.Note note = notes.add(id, user.getName(), request == null ? null : request.text());
		return ResponseEntity.status(HttpStatus.CREATED).body(note);
	}

}
