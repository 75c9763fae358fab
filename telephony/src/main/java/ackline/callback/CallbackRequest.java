package ackline.callback;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A call-back task as an upstream system or a workflow asks for it ({@code POST /api/v1/callbacks}).
 * @param type why the client is called
 * @param clientId the brokerage's client id
 * @param clientName the client's name, shown to the agent
 * @param phone the number to call (any common notation; full-width digits accepted)
 * @param earliest not before this instant (default: now)
 * @param dueBy must be worked by then; computed when omitted (e.g. NEW_ACCOUNT: 5 business days after
 * {@code openedOn})
 * @param openedOn for NEW_ACCOUNT: the day the margin account was opened
 * @param priority 0–9, higher first; default per type
 * @param agentId reserve the task for this agent (released to the team after a while if the agent is away)
 * @param team offer the task to this team's agents (default: anybody)
 * @param scriptId the questions to ask (default per type)
 * @param recordRequired record the call; true unless said otherwise
 * @param noticeId the notice this call-back follows up, if any
 * @param idempotencyKey the same key from the same caller always returns the first task
 */
public record CallbackRequest(String type, String clientId, String clientName, String phone, OffsetDateTime earliest,
		OffsetDateTime dueBy, LocalDate openedOn, Integer priority, String agentId, String team, String scriptId,
		Boolean recordRequired, UUID noticeId, String idempotencyKey) {
}
