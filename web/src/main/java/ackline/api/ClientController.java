package ackline.api;

import java.util.LinkedHashMap;
import java.util.Map;

import ackline.callback.CallbackQueries;
import ackline.notice.NoticeQueries;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * API v1 for a client's history, for the agent on the phone with them: the notices sent (messaging), the call-back
 * tasks and calls (telephony), each newest first. Joined here, through each module's public queries: the modules do
 * not know each other. An agent reads only the history of a client of a task reserved for or offered to them now.
 */
@RestController
class ClientController {

	static final int MAX_ITEMS = 50;

	private final NoticeQueries notices;

	private final CallbackQueries callbacks;

	ClientController(NoticeQueries notices, CallbackQueries callbacks) {
		this.notices = notices;
		this.callbacks = callbacks;
	}

	@GetMapping("/api/v1/clients/{clientId}/history")
	Map<String, Object> history(@PathVariable String clientId, Authentication user) {
		boolean staff = Roles.has(user, "SUPERVISOR") || Roles.has(user, "AUDITOR") || Roles.has(user, "ADMIN");
		if (!staff && !(Roles.has(user, "AGENT") && callbacks.clientOfAgentsTask(clientId, user.getName()))) {
			throw new AccessRefused("client.not-yours", "the client has no task the agent is working on");
		}
		CallbackQueries.ClientActivity activity = callbacks.clientActivity(clientId, MAX_ITEMS);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("clientId", clientId);
		body.put("notices", notices.forClient(clientId, MAX_ITEMS));
		body.put("tasks", activity.tasks());
		body.put("calls", activity.calls());
		return body;
	}

}
